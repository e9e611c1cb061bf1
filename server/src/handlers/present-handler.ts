import type { Engine, Job, JobHandler } from '@baton/engine';

/** The job type of the step that leaves people on leave out of a round (the weekly sync's updates). */
export const PRESENT_JOB_TYPE = 'baton.present';

/** Above this many active absences in one answer, each member is looked up on their own. */
const ABSENCE_PAGE = 1000;

/** A FEEL input that should name users: a list of usernames (one name is taken as a list of one). */
function usernames(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return [...new Set(list.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}

/**
 * Handles `baton.present`: the input `members` (usernames) comes back as the variable `present`,
 * the members without an absence under way on the engine's clock, in the given order (duplicates
 * dropped), and `away`, the members left out because they are away, with the absence's end and
 * substitute. Both variables land in the instance (and its history), so who was skipped, and why,
 * stays on record.
 */
export function presentHandler(deps: { engine: Engine }): JobHandler {
  return async (job: Job) => {
    const members = usernames(job.variables.members);
    const now = deps.engine.clock.now();
    let active = await deps.engine.listAbsences({ activeAt: now });
    if (active.length >= ABSENCE_PAGE) {
      const each = await Promise.all(
        members.map((userId) => deps.engine.listAbsences({ userId, activeAt: now })),
      );
      active = each.flat();
    }
    // Overlapping absences of one person: the one that began last counts (the list is by start).
    const absenceOf = new Map(active.map((a) => [a.userId, a]));
    const present = members.filter((m) => !absenceOf.has(m));
    const away = members.flatMap((m) => {
      const absence = absenceOf.get(m);
      return absence
        ? [
            {
              userId: m,
              reason: 'absent',
              until: absence.to.toISOString(),
              substitute: absence.substitute ?? null,
            },
          ]
        : [];
    });
    return { present, away };
  };
}
