import { type Kysely, sql } from 'kysely';
import { dropExpiredHistoryMonths, prepareHistoryMonths } from './persistence/history-partitions.js';
import type { DB } from './persistence/schema.js';

/** At most this many days (100 years): a longer time to live is "for ever", which is the default. */
export const MAX_TTL_DAYS = 36_500;

export interface SweepOptions {
  /** Instances removed per statement (default 200): small, so no sweep holds locks for long. */
  readonly batchSize?: number;
  /** Statements per sweep (default 50); the next sweep goes on where this one stopped. */
  readonly maxBatches?: number;
  /**
   * Days the history rows of a removed instance may wait for their month to be dropped whole
   * (default 62: a month is dropped once its last instance expires, which for instances that run
   * up to a month is within two months of its first). Past that, they are deleted in batches.
   */
  readonly historyGraceDays?: number;
}

export interface SweepResult {
  /** Finished instances removed, with their history, tasks, jobs, subscriptions and incidents. */
  readonly removed: number;
  readonly byProcess: Readonly<Record<string, number>>;
  /** The removed instances, for whoever keeps rows of its own about them (files, say). */
  readonly instanceIds: readonly string[];
  /** The sweep stopped at `maxBatches` with more to remove. */
  readonly more: boolean;
  /** History months dropped whole by this sweep (partition names); absent when none. */
  readonly droppedMonths?: readonly string[];
  /**
   * Removed instances (past the grace) whose history this sweep finished removing: the rows left
   * in months that were kept, if any; absent when none.
   */
  readonly purgedHistories?: number;
}

export async function readRetention(db: Kysely<DB>, processId: string): Promise<number | null> {
  const row = await db
    .selectFrom('process_retention')
    .select('ttl_days')
    .where('process_id', '=', processId)
    .executeTakeFirst();
  return row?.ttl_days ?? null;
}

/** Sets (or, with null, removes) a process's time to live in days. */
export async function writeRetention(
  db: Kysely<DB>,
  processId: string,
  ttlDays: number | null,
  at: Date,
  by: string | null,
): Promise<void> {
  if (ttlDays === null) {
    await db.deleteFrom('process_retention').where('process_id', '=', processId).execute();
    return;
  }
  await db
    .insertInto('process_retention')
    .values({ process_id: processId, ttl_days: ttlDays, updated_at: at, updated_by: by })
    .onConflict((oc) =>
      oc.column('process_id').doUpdateSet({ ttl_days: ttlDays, updated_at: at, updated_by: by }),
    )
    .execute();
}

/**
 * Removes finished instances older than their process's time to live, oldest first, in small
 * batches. Each batch is ONE statement: it picks its instances `FOR UPDATE SKIP LOCKED` (a row some
 * command holds is left for the next sweep, so live work never waits on the sweep) and deletes them
 * with every row that belongs to them, so a crash leaves either all of an instance or none of it.
 * Running instances are never touched; processes without a time to live keep everything.
 *
 * History is the exception: a batch leaves an instance's history rows where they are and records
 * the instance in `removed_instances`; from then on nothing shows them (history is only read
 * through an instance that exists). Each sweep prepares the coming months' partitions; when it
 * has gone through every expired instance, it DROPs each past month whose rows all belong to removed
 * instances (see dropExpiredHistoryMonths), and deletes, in batches of `batchSize` instances, the
 * rows of instances removed more than `historyGraceDays` ago whose month could not be dropped (some
 * instance of it is kept). With a time to live on every process, history is dropped by the month.
 */
export async function sweepExpired(
  db: Kysely<DB>,
  now: Date,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const batchSize = Math.min(Math.max(Math.trunc(options.batchSize ?? 200), 1), 5_000);
  const maxBatches = Math.min(Math.max(Math.trunc(options.maxBatches ?? 50), 1), 10_000);
  const graceDays = Math.min(Math.max(Math.trunc(options.historyGraceDays ?? 62), 0), MAX_TTL_DAYS);
  const byProcess: Record<string, number> = {};
  const instanceIds: string[] = [];
  let removed = 0;
  let batch = 0;
  for (; batch < maxBatches; batch++) {
    const { rows } = await sql<{ id: string; process_id: string }>`
      WITH doomed AS (
        SELECT i.id, i.started_at FROM instances i JOIN process_retention r ON r.process_id = i.process_id
        WHERE i.ended_at IS NOT NULL AND i.status <> 'active'
          AND i.ended_at < ${now}::timestamptz - make_interval(days => r.ttl_days)
        ORDER BY i.ended_at
        LIMIT ${batchSize}::int
        FOR UPDATE OF i SKIP LOCKED
      ),
      h AS (INSERT INTO removed_instances (instance_id, started_at, removed_at)
        SELECT id, started_at, ${now}::timestamptz FROM doomed ON CONFLICT (instance_id) DO NOTHING),
      t AS (DELETE FROM user_tasks WHERE instance_id IN (SELECT id FROM doomed)),
      j AS (DELETE FROM jobs WHERE instance_id IN (SELECT id FROM doomed)),
      ms AS (DELETE FROM message_subscriptions WHERE instance_id IN (SELECT id FROM doomed)),
      ss AS (DELETE FROM signal_subscriptions WHERE instance_id IN (SELECT id FROM doomed)),
      inc AS (DELETE FROM incidents WHERE instance_id IN (SELECT id FROM doomed))
      DELETE FROM instances WHERE id IN (SELECT id FROM doomed) RETURNING id, process_id
    `.execute(db);
    for (const row of rows) {
      byProcess[row.process_id] = (byProcess[row.process_id] ?? 0) + 1;
      instanceIds.push(row.id);
    }
    removed += rows.length;
    if (rows.length < batchSize) break;
  }
  await prepareHistoryMonths(db, now);
  if (batch === maxBatches) return { removed, byProcess, instanceIds, more: true };
  const droppedMonths = await dropExpiredHistoryMonths(db, now);
  const purged = await purgeRemovedHistory(db, now, graceDays, batchSize, maxBatches - batch);
  return {
    removed,
    byProcess,
    instanceIds,
    more: purged.more,
    ...(droppedMonths.length > 0 ? { droppedMonths } : {}),
    ...(purged.count > 0 ? { purgedHistories: purged.count } : {}),
  };
}

/**
 * Deletes the history rows of instances removed more than `graceDays` ago (their month was not
 * dropped in time), `batchSize` instances per statement, at most `maxBatches` statements. Each
 * statement deletes the rows and the record of their instance together; only rows no command
 * writes or reads are touched, so live work never waits on it.
 */
async function purgeRemovedHistory(
  db: Kysely<DB>,
  now: Date,
  graceDays: number,
  batchSize: number,
  maxBatches: number,
): Promise<{ count: number; more: boolean }> {
  let count = 0;
  for (let batch = 0; batch < Math.max(maxBatches, 1); batch++) {
    const { rows } = await sql<{ instance_id: string }>`
      WITH due AS (
        SELECT instance_id FROM removed_instances
        WHERE removed_at < ${now}::timestamptz - make_interval(days => ${graceDays}::int)
        ORDER BY removed_at
        LIMIT ${batchSize}::int
        FOR UPDATE SKIP LOCKED
      ),
      h AS (DELETE FROM history WHERE instance_id IN (SELECT instance_id FROM due))
      DELETE FROM removed_instances WHERE instance_id IN (SELECT instance_id FROM due) RETURNING instance_id
    `.execute(db);
    count += rows.length;
    if (rows.length < batchSize) return { count, more: false };
  }
  return { count, more: true };
}

/**
 * Days a decision evaluated on its own keeps its record (`decision_evaluations`) by default: it
 * belongs to no instance, so no process's time to live covers it.
 */
export const DECISION_EVALUATION_TTL_DAYS = 90;

/**
 * Removes records of standalone decision evaluations older than `maxAgeDays`, oldest first, in
 * batches of one statement each (`SKIP LOCKED`, as for instances); how many went, and whether
 * the sweep stopped at `maxBatches` with more to remove.
 */
export async function sweepDecisionEvaluations(
  db: Kysely<DB>,
  now: Date,
  maxAgeDays: number = DECISION_EVALUATION_TTL_DAYS,
  options: SweepOptions = {},
): Promise<{ readonly removed: number; readonly more: boolean }> {
  const days = Math.min(Math.max(Math.trunc(maxAgeDays), 1), MAX_TTL_DAYS);
  const batchSize = Math.min(Math.max(Math.trunc(options.batchSize ?? 1_000), 1), 10_000);
  const maxBatches = Math.min(Math.max(Math.trunc(options.maxBatches ?? 50), 1), 10_000);
  let removed = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const { rows } = await sql<{ id: string }>`
      DELETE FROM decision_evaluations WHERE id IN (
        SELECT id FROM decision_evaluations
        WHERE evaluated_at < ${now}::timestamptz - make_interval(days => ${days}::int)
        ORDER BY evaluated_at
        LIMIT ${batchSize}::int
        FOR UPDATE SKIP LOCKED
      ) RETURNING id
    `.execute(db);
    removed += rows.length;
    if (rows.length < batchSize) return { removed, more: false };
  }
  return { removed, more: true };
}
