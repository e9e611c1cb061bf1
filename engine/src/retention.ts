import { type Kysely, sql } from 'kysely';
import type { DB } from './persistence/schema.js';

/** At most this many days (100 years): a longer time to live is "for ever", which is the default. */
export const MAX_TTL_DAYS = 36_500;

export interface SweepOptions {
  /** Instances removed per statement (default 200): small, so no sweep holds locks for long. */
  readonly batchSize?: number;
  /** Statements per sweep (default 50); the next sweep goes on where this one stopped. */
  readonly maxBatches?: number;
}

export interface SweepResult {
  /** Finished instances removed, with their history, tasks, jobs, subscriptions and incidents. */
  readonly removed: number;
  readonly byProcess: Readonly<Record<string, number>>;
  /** The removed instances, for whoever keeps rows of its own about them (files, say). */
  readonly instanceIds: readonly string[];
  /** The sweep stopped at `maxBatches` with more to remove. */
  readonly more: boolean;
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
 */
export async function sweepExpired(
  db: Kysely<DB>,
  now: Date,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const batchSize = Math.min(Math.max(Math.trunc(options.batchSize ?? 200), 1), 5_000);
  const maxBatches = Math.min(Math.max(Math.trunc(options.maxBatches ?? 50), 1), 10_000);
  const byProcess: Record<string, number> = {};
  const instanceIds: string[] = [];
  let removed = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const { rows } = await sql<{ id: string; process_id: string }>`
      WITH doomed AS (
        SELECT i.id FROM instances i JOIN process_retention r ON r.process_id = i.process_id
        WHERE i.ended_at IS NOT NULL AND i.status <> 'active'
          AND i.ended_at < ${now}::timestamptz - make_interval(days => r.ttl_days)
        ORDER BY i.ended_at
        LIMIT ${batchSize}::int
        FOR UPDATE OF i SKIP LOCKED
      ),
      h AS (DELETE FROM history WHERE instance_id IN (SELECT id FROM doomed)),
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
    if (rows.length < batchSize) return { removed, byProcess, instanceIds, more: false };
  }
  return { removed, byProcess, instanceIds, more: true };
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
