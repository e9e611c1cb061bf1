import type { Kysely } from 'kysely';
import type { DB } from '../persistence/schema.js';
import { WorkingTime, WorkingTimeError } from './calendar.js';
import { calendarVersions, findCalendar, groupCalendars } from './store.js';

/**
 * The calendars steps have asked for, in memory, for the runtime's synchronous `findCalendar`.
 * After every step that used one, the versions are re-read in the step's transaction (one small
 * query) and the step runs again if an admin changed or deleted a calendar meanwhile, so a due
 * date always follows the calendar as committed, on every server process.
 */
export class CalendarCache {
  readonly #entries = new Map<string, { readonly version: number; readonly time: WorkingTime }>();

  /** The cached calendar and its version; undefined when not (yet) known. */
  get(id: string): { readonly version: number; readonly time: WorkingTime } | undefined {
    return this.#entries.get(id);
  }

  /**
   * Re-reads the versions of `served` (id -> version handed to the step, undefined: none) and
   * loads what changed; true when the step must run again.
   */
  async refresh(served: ReadonlyMap<string, number | undefined>, db: Kysely<DB>): Promise<boolean> {
    if (served.size === 0) return false;
    const versions = await calendarVersions(db, [...served.keys()]);
    let changed = false;
    for (const [id, version] of served) {
      const current = versions.get(id);
      if (current === version) continue;
      changed = true;
      this.#entries.delete(id);
      if (current === undefined) continue;
      const calendar = await findCalendar(db, id);
      if (!calendar) continue;
      try {
        this.#entries.set(id, { version: calendar.version, time: new WorkingTime(calendar) });
      } catch (error) {
        // A stored calendar the checks now refuse (a zone the runtime no longer knows) counts as none.
        if (!(error instanceof WorkingTimeError)) throw error;
      }
    }
    if (this.#entries.size > 1000) this.#entries.clear();
    return changed;
  }
}

/**
 * The calendar each group has (table `group_calendars`), for the runtime's synchronous
 * `findGroupCalendar`; checked after each step that asked, like `CalendarCache`.
 */
export class GroupCalendarCache {
  readonly #entries = new Map<string, string | null>();

  /** The group's calendar id, null for none; undefined when not (yet) known. */
  get(group: string): string | null | undefined {
    return this.#entries.get(group);
  }

  /** Re-reads the groups in `served` (group -> what the step was given); true when one changed. */
  async refresh(served: ReadonlyMap<string, string | null | undefined>, db: Kysely<DB>): Promise<boolean> {
    if (served.size === 0) return false;
    const current = await groupCalendars(db, [...served.keys()]);
    let changed = false;
    for (const [group, given] of served) {
      const now = current.get(group) ?? null;
      if (given === now) continue;
      changed = true;
      this.#entries.set(group, now);
    }
    if (this.#entries.size > 10_000) this.#entries.clear();
    return changed;
  }
}
