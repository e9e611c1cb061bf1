import { type Kysely, sql } from 'kysely';
import type { ActivityElement, ProcessModel } from '../model/types.js';
import type { DB } from '../persistence/schema.js';
import type { Effect, NewUserTask, Variables } from '../runtime/types.js';
import { awayAt, resolveSubstitute } from './absences.js';
import type { TeamDirectory, TeamMember } from './directory.js';
import {
  ASSIGNMENT_HEADER,
  type AssignmentStrategy,
  parseAssignmentStrategy,
  strategyName,
} from './strategy.js';
import { teamDb } from './tables.js';

/** What a step's new tasks need decided before they are written. */
export interface AssignmentNeeds {
  /** Some new task picks its assignee by a strategy: decide before writing. */
  readonly strategies: boolean;
  /**
   * The assignees of new tasks. With no strategy, the write statement itself checks that none of
   * them is away (one index probe in the same statement, no extra round trip); only when one is
   * does the command decide substitutes and write again.
   */
  readonly assignees: readonly string[];
}

function strategyOf(model: ProcessModel, task: NewUserTask): AssignmentStrategy | null {
  const element = model.elements[task.elementId] as ActivityElement | undefined;
  const raw = element?.headers?.[ASSIGNMENT_HEADER];
  if (raw === undefined) return null;
  const parsed = parseAssignmentStrategy(raw);
  // Deployment rejects a bad value; a definition stored before that check runs without strategy.
  return 'error' in parsed ? null : parsed;
}

/** Null when the step creates no task: the write path stays exactly as it was. */
export function assignmentNeeds(model: ProcessModel, effects: readonly Effect[]): AssignmentNeeds | null {
  let strategies = false;
  const assignees: string[] = [];
  for (const effect of effects) {
    if (effect.type !== 'task.create') continue;
    if (effect.task.assignee !== null) assignees.push(effect.task.assignee);
    else if (strategyOf(model, effect.task)) strategies = true;
  }
  return strategies || assignees.length > 0 ? { strategies, assignees } : null;
}

/** What history's `task.created` records of the decision (`data.assignment`). */
interface Decision {
  readonly assignee: string | null;
  readonly data: Variables;
}

/**
 * Decides the assignee of each task the step creates, in the command's transaction: an assignee
 * who is away is replaced by their substitute (followed along the chain); an unassigned task with
 * a `baton:assignment` header picks one present candidate by its strategy. The decision and why
 * go into the task's `task.created` history record as `data.assignment`.
 */
export async function decideAssignments(
  db: Kysely<DB>,
  now: Date,
  model: ProcessModel,
  processId: string,
  effects: readonly Effect[],
  directory: TeamDirectory,
): Promise<Effect[]> {
  const decisions = new Map<string, Decision>();
  /** Open tasks per user, counted once and then kept up to date for picks in this step. */
  const load = new Map<string, number>();
  const out: Effect[] = [];
  for (const effect of effects) {
    if (effect.type !== 'task.create') {
      out.push(effect);
      continue;
    }
    const task = effect.task;
    let decision: Decision | null = null;
    if (task.assignee !== null) {
      const sub = await resolveSubstitute(db, task.assignee, now, async (user) =>
        (await directory.members({ groups: [], users: [user] }, db)).some((m) => m.id === user),
      );
      if (sub.substituteFor !== null)
        decision = {
          assignee: sub.assignee,
          data: {
            assignee: sub.assignee,
            substituteFor: sub.substituteFor,
            chain: [...sub.chain],
            reason: `assigned to ${sub.assignee}, substituting for ${sub.substituteFor}`,
          },
        };
      else if (sub.reason !== null)
        decision = {
          assignee: task.assignee,
          data: { assignee: task.assignee, chain: [...sub.chain], reason: sub.reason },
        };
    } else {
      const strategy = strategyOf(model, task);
      if (strategy) decision = await pick(db, now, processId, task, strategy, directory, load);
    }
    if (!decision) {
      out.push(effect);
      continue;
    }
    decisions.set(task.id, decision);
    if (decision.assignee !== null) load.set(decision.assignee, (load.get(decision.assignee) ?? 0) + 1);
    out.push({ type: 'task.create', task: { ...task, assignee: decision.assignee } });
  }
  if (decisions.size === 0) return out;
  return out.map((effect) => {
    if (effect.type !== 'history' || effect.record.type !== 'task.created') return effect;
    const decision = effect.record.taskId ? decisions.get(effect.record.taskId) : undefined;
    if (!decision) return effect;
    return {
      type: 'history',
      record: { ...effect.record, data: { ...(effect.record.data ?? {}), assignment: decision.data } },
    };
  });
}

/** Picks one present candidate by the strategy; none left: the task stays with its groups. */
async function pick(
  db: Kysely<DB>,
  now: Date,
  processId: string,
  task: NewUserTask,
  strategy: AssignmentStrategy,
  directory: TeamDirectory,
  load: Map<string, number>,
): Promise<Decision> {
  const name = strategyName(strategy);
  const members: readonly TeamMember[] =
    task.candidateGroups.length === 0 && task.candidateUsers.length === 0
      ? []
      : await directory.members({ groups: task.candidateGroups, users: task.candidateUsers }, db);
  const byId = new Map<string, TeamMember>();
  for (const member of members) if (!byId.has(member.id)) byId.set(member.id, member);
  let candidates = [...byId.values()];
  if (strategy.kind === 'attribute')
    candidates = candidates.filter((m) => m.attributes[strategy.key]?.includes(strategy.value) === true);
  const ids = candidates.map((m) => m.id).sort();
  const away = await awayAt(db, ids, now);
  const present = ids.filter((id) => !away.has(id));
  const base = { strategy: name, candidates: ids.length, away: [...away.keys()].sort() };
  if (present.length === 0) {
    const reason =
      ids.length === 0
        ? `${name}: no candidate${strategy.kind === 'attribute' ? ' has the attribute' : ''}; the task stays with its groups`
        : `${name}: every candidate is away; the task stays with its groups`;
    return { assignee: null, data: { ...base, assignee: null, reason } };
  }
  if (strategy.kind === 'round-robin') {
    const chosen = await nextInRotation(db, processId, task.elementId, present);
    return {
      assignee: chosen,
      data: { ...base, assignee: chosen, reason: `round-robin: next after the previous pick` },
    };
  }
  const counts = await openCounts(db, present, load);
  let chosen = present[0] as string;
  for (const id of present) if ((counts.get(id) ?? 0) < (counts.get(chosen) ?? 0)) chosen = id;
  const open = counts.get(chosen) ?? 0;
  const why =
    strategy.kind === 'attribute'
      ? `${name}: of ${present.length} present with ${strategy.key}=${strategy.value}, fewest open tasks (${open})`
      : `least-open: fewest open tasks (${open}) of ${present.length} present`;
  return { assignee: chosen, data: { ...base, assignee: chosen, open, reason: why } };
}

/** Open tasks per user (every process), plus what this step has assigned already. */
async function openCounts(
  db: Kysely<DB>,
  users: readonly string[],
  load: Map<string, number>,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('user_tasks')
    .select(['assignee', (eb) => eb.fn.countAll<string>().as('open')])
    .where('state', '=', 'created')
    .where('assignee', 'in', [...users])
    .groupBy('assignee')
    .execute();
  const counts = new Map<string, number>();
  for (const row of rows) if (row.assignee !== null) counts.set(row.assignee, Number(row.open));
  for (const [user, n] of load) if (users.includes(user)) counts.set(user, (counts.get(user) ?? 0) + n);
  return counts;
}

/**
 * The present candidate after the last one picked for this element (in id order, wrapping).
 * The upsert locks the rotation row first, so concurrent commands pick one after the other.
 */
async function nextInRotation(
  db: Kysely<DB>,
  processId: string,
  elementId: string,
  present: readonly string[],
): Promise<string> {
  const teams = teamDb(db);
  const row = await teams
    .insertInto('assignment_rotation')
    .values({ process_id: processId, element_id: elementId, last_user: '' })
    .onConflict((oc) =>
      oc.columns(['process_id', 'element_id']).doUpdateSet({ last_user: sql`assignment_rotation.last_user` }),
    )
    .returning('last_user')
    .executeTakeFirstOrThrow();
  const chosen = present.find((id) => id > row.last_user) ?? (present[0] as string);
  await teams
    .updateTable('assignment_rotation')
    .set({ last_user: chosen })
    .where('process_id', '=', processId)
    .where('element_id', '=', elementId)
    .execute();
  return chosen;
}
