import { type Kysely, sql } from 'kysely';
import type { ServerTables } from './tables.js';

type Db = Kysely<ServerTables>;

/** One counter after an attempt was counted. */
export interface AttemptCount {
  readonly key: string;
  readonly count: number;
  readonly windowStart: Date;
  /** Milliseconds until this counter's window ends (by the database's clock). */
  readonly resetsInMs: number;
}

/**
 * Login attempts per key in a fixed window, counted by the database so that every server process
 * shares them and parallel attempts can never read the same count: each `count` is one
 * `INSERT … ON CONFLICT … DO UPDATE … RETURNING`, which takes the row lock. Times are the
 * database's (`now()`), so servers with skewed clocks still agree.
 */
export function loginAttemptQueries(db: Db) {
  return {
    /**
     * Adds one attempt to each key (a window that has ended starts again at 1) and returns the
     * counts. Keys are locked in sorted order, so two attempts never deadlock.
     */
    async count(keys: readonly string[], windowMs: number): Promise<AttemptCount[]> {
      const sorted = [...new Set(keys)].sort();
      // Milliseconds, so that the start read back into a Date compares equal in `refund`.
      const start = sql`date_trunc('milliseconds', now())`;
      const rows = sql.join(sorted.map((k) => sql`(${k}, ${start}, 1)`));
      const window = sql`(${windowMs}::double precision * interval '1 millisecond')`;
      const result = await sql<{ key: string; count: number; window_start: Date; resets_in_ms: number }>`
        insert into login_attempts as a (key, window_start, count) values ${rows}
        on conflict (key) do update set
          count = case when a.window_start <= now() - ${window} then 1 else a.count + 1 end,
          window_start = case when a.window_start <= now() - ${window} then ${start} else a.window_start end
        returning a.key, a.count, a.window_start,
          extract(epoch from (a.window_start + ${window} - now())) * 1000 as resets_in_ms`.execute(db);
      return result.rows.map((r) => ({
        key: r.key,
        count: Number(r.count),
        windowStart: new Date(r.window_start),
        resetsInMs: Math.max(0, Number(r.resets_in_ms)),
      }));
    },

    /**
     * Takes back one attempt from each counter, only within the window it was counted in (a
     * successful login does not count). Never below zero.
     */
    async refund(counted: readonly AttemptCount[]): Promise<void> {
      for (const c of [...counted].sort((a, b) => (a.key < b.key ? -1 : 1))) {
        await db
          .updateTable('login_attempts')
          .set({ count: sql`greatest(count - 1, 0)` })
          .where('key', '=', c.key)
          .where('window_start', '=', c.windowStart)
          .execute();
      }
    },

    /** Drops counters whose window ended (they would restart at 1 anyway). */
    async purge(windowMs: number): Promise<void> {
      await db
        .deleteFrom('login_attempts')
        .where(
          'window_start',
          '<',
          sql<Date>`now() - (${windowMs}::double precision * interval '1 millisecond')`,
        )
        .execute();
    },
  };
}
