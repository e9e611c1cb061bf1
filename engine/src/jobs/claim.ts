import { type Kysely, sql } from 'kysely';
import type { Job } from '../api.js';
import { jobFromRow } from '../persistence/rows.js';
import type { DB } from '../persistence/schema.js';

/** Which jobs a claimer wants: the executor's kinds, or one worker type. */
export type ClaimFilter =
  | { readonly kind: 'executor'; readonly serviceTypes: readonly string[] }
  | { readonly kind: 'worker'; readonly jobType: string };

export interface ClaimRequest {
  readonly workerId: string;
  readonly now: Date;
  readonly leaseMs: number;
  readonly limit: number;
  readonly filter: ClaimFilter;
}

/**
 * Claims up to `limit` due jobs in ONE statement, graphile-worker style: the inner SELECT locks
 * rows with `FOR UPDATE SKIP LOCKED`, so concurrent claimers on PostgreSQL never take the same
 * job; the outer UPDATE takes the lease. `now` comes from the engine's Clock, never the database
 * clock, so a virtual clock drives timers in tests.
 */
export async function claimJobs(db: Kysely<DB>, request: ClaimRequest): Promise<Job[]> {
  const { now, filter } = request;
  const lockedUntil = new Date(now.getTime() + request.leaseMs);
  const which =
    filter.kind === 'worker'
      ? sql`kind = 'service' AND job_type = ${filter.jobType}::text`
      : filter.serviceTypes.length === 0
        ? sql`kind IN ('timer', 'timerStart')`
        : sql`(kind IN ('timer', 'timerStart')
            OR (kind = 'service' AND job_type IN (SELECT jsonb_array_elements_text(${JSON.stringify(filter.serviceTypes)}::jsonb))))`;
  const { rows } = await sql<Parameters<typeof jobFromRow>[0]>`
    UPDATE jobs SET locked_by = ${request.workerId}::text, locked_until = ${lockedUntil}::timestamptz,
      attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM jobs
      WHERE retries > 0 AND due_at <= ${now}::timestamptz
        AND (locked_until IS NULL OR locked_until < ${now}::timestamptz) AND ${which}
      ORDER BY due_at, id
      LIMIT ${request.limit}::int
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`.execute(db);
  return rows.map(jobFromRow).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** Gives a job back after a failed attempt: fewer retries, due again after the backoff. */
export async function releaseForRetry(
  db: Kysely<DB>,
  a: {
    readonly jobId: string;
    readonly workerId: string;
    readonly retries: number;
    readonly dueAt: Date;
    readonly error: string;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ retries: a.retries, due_at: a.dueAt, locked_by: null, locked_until: null, last_error: a.error })
    .where('id', '=', a.jobId)
    .where('locked_by', '=', a.workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Drops the leases this worker holds (graceful shutdown): the jobs become claimable at once. */
export async function releaseLeases(
  db: Kysely<DB>,
  workerId: string,
  jobIds: readonly string[],
): Promise<void> {
  if (jobIds.length === 0) return;
  await db
    .updateTable('jobs')
    .set({ locked_by: null, locked_until: null })
    .where('locked_by', '=', workerId)
    .where('id', 'in', jobIds)
    .execute();
}

/** Exponential backoff: 1 s, 2 s, 4 s ... capped at 10 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 10 * 60 * 1000);
}
