import { type Kysely, sql } from 'kysely';
import { historyMonthName, nextMonth } from './migrations.js';
import type { DB } from './schema.js';

/**
 * `history` is partitioned by month of `at` (UTC, migration 0015): `history_y2026m03` holds March
 * 2026, `history_default` whatever falls outside the prepared months. Retention drops a month
 * whose rows all belong to removed instances instead of deleting them row by row.
 *
 * Schema changes take a lock on `history` that queues live writers behind it, so each runs with a
 * short `lock_timeout` and gives up (to try again at the next turn) rather than hold anyone up:
 * the default partition keeps every row safe meanwhile.
 */

/** Milliseconds a partition change waits for its locks before it gives up until the next turn. */
export const PARTITION_LOCK_TIMEOUT_MS = 100;

/** Serializes partition changes of all engine processes on one database (any fixed number). */
const PARTITION_LOCK = 0x6261746f6e15;

/** The first instant of the UTC month `at` is in. */
export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** A month partition and the range it holds. */
export interface HistoryMonth {
  readonly name: string;
  readonly from: Date;
  readonly to: Date;
}

const MONTH_NAME = /^history_y(\d{4})m(\d{2})$/;

/** The month partitions of `history`, oldest first (the names say their range; see historyMonthName). */
export async function listHistoryMonths(db: Kysely<DB>): Promise<HistoryMonth[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'history'::regclass`.execute(db);
  const months: HistoryMonth[] = [];
  for (const { name } of rows) {
    const match = MONTH_NAME.exec(name);
    if (!match) continue;
    const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
    months.push({ name, from, to: nextMonth(from) });
  }
  return months.sort((a, b) => a.from.getTime() - b.from.getTime());
}

function isLockTimeout(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '55P03';
}

/**
 * Makes sure the month of `now` and the next `ahead` months have their partitions (UTC months of
 * the engine's clock). Idempotent, and safe with several engine processes at once: each month is
 * made in one transaction under an advisory lock, which checks again whether it exists. Rows the
 * default partition already holds for that month move into it in the same transaction. Returns
 * the partitions made; a month whose locks did not come within PARTITION_LOCK_TIMEOUT_MS is left
 * for the next call (its rows wait in the default partition).
 */
export async function prepareHistoryMonths(db: Kysely<DB>, now: Date, ahead = 1): Promise<string[]> {
  const existing = new Set((await listHistoryMonths(db)).map((m) => m.name));
  const made: string[] = [];
  let start = monthStart(now);
  for (let k = 0; k <= ahead; k++, start = nextMonth(start)) {
    if (existing.has(historyMonthName(start))) continue;
    try {
      if (await makeMonth(db, start)) made.push(historyMonthName(start));
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
    }
  }
  return made;
}

async function makeMonth(db: Kysely<DB>, from: Date): Promise<boolean> {
  const name = historyMonthName(from);
  const to = nextMonth(from);
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK}::bigint)`.execute(trx);
    const { rows } = await sql<{ found: string | null }>`SELECT to_regclass(${name})::text AS found`.execute(
      trx,
    );
    if (rows[0]?.found) return false;
    await sql.raw(`SET LOCAL lock_timeout = '${PARTITION_LOCK_TIMEOUT_MS}ms'`).execute(trx);
    // A stand-alone table filled from the default partition, then attached: creating the partition
    // directly fails when the default already holds rows of its range (tests run clocks far ahead,
    // and a month may be made after its first rows were written).
    await sql
      .raw(`CREATE TABLE ${name} (LIKE history INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`)
      .execute(trx);
    await sql`
      WITH moved AS (
        DELETE FROM history_default WHERE at >= ${from}::timestamptz AND at < ${to}::timestamptz RETURNING *
      )
      INSERT INTO ${sql.table(name)} SELECT * FROM moved`.execute(trx);
    await sql
      .raw(
        `ALTER TABLE history ATTACH PARTITION ${name} FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
      )
      .execute(trx);
    return true;
  });
}

/**
 * Drops the month partitions that ended before the month of `now` and hold no row of an instance
 * that still exists: the common way history goes when its instances expire (no row-by-row delete).
 * A first, cheap test asks `instances` whether any instance lived in that month; only a month that
 * passes is locked against writes (SHARE, which readers do not wait for) and checked row by row
 * against `instances`, then dropped, all in one transaction under PARTITION_LOCK_TIMEOUT_MS.
 * Returns the partitions dropped.
 */
export async function dropExpiredHistoryMonths(db: Kysely<DB>, now: Date): Promise<string[]> {
  const current = monthStart(now);
  const dropped: string[] = [];
  for (const month of await listHistoryMonths(db)) {
    if (month.to.getTime() > current.getTime()) break;
    // Rows are written at `now` of a command on a live instance: between its start and its end.
    // A day's margin on both sides covers engine processes whose clocks disagree a little.
    const { rows } = await sql<{ lived: boolean }>`
      SELECT EXISTS (
        SELECT 1 FROM instances
        WHERE started_at < ${month.to}::timestamptz + interval '1 day'
          AND (ended_at IS NULL OR ended_at >= ${month.from}::timestamptz - interval '1 day')
      ) AS lived`.execute(db);
    if (rows[0]?.lived) continue;
    try {
      const gone = await db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK}::bigint)`.execute(trx);
        // Another engine process may have dropped it since the list was read.
        const { rows: found } = await sql<{ name: string | null }>`
          SELECT to_regclass(${month.name})::text AS name`.execute(trx);
        if (!found[0]?.name) return false;
        await sql.raw(`SET LOCAL lock_timeout = '${PARTITION_LOCK_TIMEOUT_MS}ms'`).execute(trx);
        await sql.raw(`LOCK TABLE ${month.name} IN SHARE MODE`).execute(trx);
        const kept = await sql<{ one: number }>`
          SELECT 1 AS one FROM ${sql.table(month.name)} h
          WHERE EXISTS (SELECT 1 FROM instances i WHERE i.id = h.instance_id) LIMIT 1`.execute(trx);
        if (kept.rows.length > 0) return false;
        await sql.raw(`DROP TABLE ${month.name}`).execute(trx);
        return true;
      });
      if (gone) dropped.push(month.name);
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
    }
  }
  return dropped;
}
