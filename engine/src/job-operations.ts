import type { Kysely, Selectable } from 'kysely';
import type { Actor, Job } from './api.js';
import type { Clock } from './clock.js';
import { type CommandRunner, GuardMissedError, jobGuard } from './command-runner.js';
import {
  ConcurrencyError,
  IncidentNotFoundError,
  InvalidArgumentError,
  JobLeaseLostError,
  JobNotFoundError,
  MessageNotCorrelatedError,
} from './errors.js';
import { claimJobs, releaseForRetry } from './jobs/claim.js';
import { withoutJobCancel } from './jobs/job-runner.js';
import { isUuid } from './persistence/ids.js';
import type { DB, JobsTable } from './persistence/schema.js';
import type { Command, Variables } from './runtime/types.js';
import type { TxContext } from './transaction.js';

type Tx = <T>(actor: Actor, work: (cx: TxContext) => Promise<T>) => Promise<T>;

const DEFAULT_LOCK_MS = 5 * 60 * 1000;
const MAX_FETCH = 100;
/** Subscriptions a correlation looks at before giving up on a burst of concurrent takers. */
const MAX_CORRELATION_LOOKS = 10;

/** External workers (fetch-and-lock with a lease), incidents, and message correlation. */
export class JobOperations {
  constructor(
    readonly db: Kysely<DB>,
    readonly runner: CommandRunner,
    readonly tx: Tx,
    readonly clock: Clock,
  ) {}

  fetchAndLock(a: { type: string; workerId: string; maxJobs?: number; lockMs?: number }): Promise<Job[]> {
    if (a.workerId.trim() === '') throw new InvalidArgumentError('workerId must not be empty');
    return claimJobs(this.db, {
      workerId: a.workerId,
      now: this.clock.now(),
      leaseMs: Math.max(a.lockMs ?? DEFAULT_LOCK_MS, 1),
      limit: Math.min(Math.max(a.maxJobs ?? 1, 1), MAX_FETCH),
      filter: { kind: 'worker', jobType: a.type },
    });
  }

  async complete(jobId: string, workerId: string, variables: Variables): Promise<void> {
    await this.#report(jobId, workerId, { type: 'job.complete', jobId, variables });
  }

  async throwBpmnError(
    jobId: string,
    workerId: string,
    e: { errorCode: string; errorMessage?: string; variables?: Variables },
  ): Promise<void> {
    await this.#report(jobId, workerId, {
      type: 'job.error',
      jobId,
      errorCode: e.errorCode,
      ...(e.errorMessage === undefined ? {} : { errorMessage: e.errorMessage }),
      variables: e.variables ?? {},
    });
  }

  /** A worker's failure: back in the queue after the backoff while retries remain, else an incident. */
  async fail(
    jobId: string,
    workerId: string,
    f: { retries: number; errorMessage: string; retryBackoffMs?: number },
  ): Promise<void> {
    if (f.retries > 0) {
      await this.tx(null, async (cx) => {
        await this.#leased(cx, jobId, workerId);
        const released = await releaseForRetry(cx.trx, {
          jobId,
          workerId,
          retries: f.retries,
          dueAt: new Date(cx.now.getTime() + Math.max(f.retryBackoffMs ?? 0, 0)),
          error: f.errorMessage,
        });
        if (!released) throw new JobLeaseLostError(jobId, workerId);
      });
      return;
    }
    await this.#report(jobId, workerId, { type: 'job.incident', jobId, message: f.errorMessage });
  }

  async retryIncident(id: string, actor: Actor): Promise<void> {
    if (!isUuid(id)) throw new IncidentNotFoundError(id);
    await this.tx(actor, async (cx) => {
      const incident = await cx.trx
        .selectFrom('incidents')
        .select(['instance_id'])
        .where('id', '=', id)
        .where('resolved_at', 'is', null)
        .executeTakeFirst();
      if (!incident) throw new IncidentNotFoundError(id);
      await this.runner.run(cx, incident.instance_id, { type: 'incident.retry', incidentId: id });
      // The runtime resolves it; this makes sure a retried incident never stays open.
      await cx.trx
        .updateTable('incidents')
        .set({ resolved_at: cx.now })
        .where('id', '=', id)
        .where('resolved_at', 'is', null)
        .execute();
    });
  }

  /**
   * Correlates to the oldest waiting subscription with that name and key, else starts the latest
   * process with a message start event of that name.
   *
   * Races: the command locks the subscription's instance row first (the lock order of every
   * command), then checks in a new statement that the subscription is still there. Two
   * correlations of one message: the second waits for the first, finds its subscription gone and
   * looks again (another subscription, a message start, or MessageNotCorrelatedError). Two
   * different messages for one instance: the second waits, then lands on the first's result.
   */
  correlateMessage(m: { name: string; correlationKey?: string | null; variables?: Variables }): Promise<{
    instanceId: string;
  }> {
    const key = m.correlationKey ?? null;
    const variables = m.variables ?? {};
    return this.tx(null, async (cx) => {
      for (let look = 0; ; look++) {
        const subscription = await this.#oldestSubscription(cx, m.name, key);
        if (!subscription) break;
        const instance = await this.runner.lock(cx, subscription.instance_id);
        // Every look lost to another taker: start over in a fresh transaction.
        if (look === MAX_CORRELATION_LOOKS) throw new ConcurrencyError(instance.id, instance.version);
        const still = await cx.trx
          .selectFrom('message_subscriptions')
          .select('id')
          .where('id', '=', subscription.id)
          .executeTakeFirst();
        // Taken by a concurrent correlation while this one waited for the lock: look again.
        if (!still) continue;
        await this.runner.run(cx, instance, {
          type: 'message.correlate',
          subscriptionId: subscription.id,
          variables,
        });
        return { instanceId: subscription.instance_id };
      }
      const start = await cx.trx
        .selectFrom('start_subscriptions')
        .select(['definition_id', 'element_id'])
        .where('kind', '=', 'message')
        .where('name', '=', m.name)
        .orderBy('process_id')
        .limit(1)
        .executeTakeFirst();
      if (!start) throw new MessageNotCorrelatedError(m.name, key);
      const row = await this.runner.start(cx, {
        definitionId: start.definition_id,
        startEventId: start.element_id,
        variables,
        businessKey: key,
      });
      return { instanceId: row.id };
    });
  }

  /** The oldest waiting subscription for a message name and correlation key. */
  #oldestSubscription(cx: TxContext, name: string, key: string | null) {
    let query = cx.trx
      .selectFrom('message_subscriptions')
      .select(['id', 'instance_id'])
      .where('message_name', '=', name);
    query =
      key === null ? query.where('correlation_key', 'is', null) : query.where('correlation_key', '=', key);
    return query.orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  }

  /** A worker reports: checked against its lease, applied behind the lease guard. */
  async #report(jobId: string, workerId: string, command: Command): Promise<void> {
    try {
      await this.tx(null, async (cx) => {
        const job = await this.#leased(cx, jobId, workerId);
        if (job.instance_id === null) throw new JobNotFoundError(jobId);
        await this.runner.run(cx, job.instance_id, command, {
          guard: jobGuard(jobId, workerId, cx),
          adjust: withoutJobCancel(jobId),
        });
      });
    } catch (error) {
      if (error instanceof GuardMissedError) throw new JobLeaseLostError(jobId, workerId);
      throw error;
    }
  }

  /** The job row, if `workerId` holds an unexpired lease on it. */
  async #leased(cx: TxContext, jobId: string, workerId: string): Promise<Selectable<JobsTable>> {
    if (!isUuid(jobId)) throw new JobNotFoundError(jobId);
    const job = await cx.trx.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    if (!job) throw new JobNotFoundError(jobId);
    const until = job.locked_until === null ? null : new Date(job.locked_until);
    if (job.locked_by !== workerId || until === null || until < cx.now)
      throw new JobLeaseLostError(jobId, workerId);
    return job;
  }
}
