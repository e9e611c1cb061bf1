import type { Kysely, Selectable } from 'kysely';
import type { BulkRetryResult, FetchRequest, Job, MessageCorrelation } from './api.js';
import type { Clock } from './clock.js';
import { type CommandRunner, GuardMissedError, type InstanceRow, jobGuard } from './command-runner.js';
import {
  ConcurrencyError,
  EngineError,
  ForbiddenError,
  IncidentNotFoundError,
  InstanceNotFoundError,
  InvalidArgumentError,
  JobLeaseLostError,
  JobNotFoundError,
  MessageNotCorrelatedError,
} from './errors.js';
import { claimJobs, releaseForRetry } from './jobs/claim.js';
import { withoutJobCancel } from './jobs/job-runner.js';
import { actorOf, type Identity, policy } from './identity.js';
import { readProcessAccess } from './persistence/access.js';
import { isUuid } from './persistence/ids.js';
import { jobFromRow } from './persistence/rows.js';
import type { DB, JobsTable } from './persistence/schema.js';
import type { Command, Effect, JobResult, Variables } from './runtime/types.js';
import { gatherStartTrigger, parallelStartDefinitions } from './start-gathering.js';
import { assertManages, once } from './task-operations.js';
import type { TxContext } from './transaction.js';
import { mayDeliverTo, startFormOf, type StartCheck, visibleVariablesOfJob } from './job-variables.js';

type Tx = <T>(
  identity: Identity,
  work: (cx: TxContext) => Promise<T>,
  options?: { readonly actor?: string | null },
) => Promise<T>;

function refuseWorker(identity: Identity, jobType: string): never {
  throw new ForbiddenError(
    `Not allowed to work on jobs of type '${jobType}': needs the worker role and a token scope jobs:<pattern> matching it`,
    identity.kind === 'user' ? identity.id : null,
  );
}

const DEFAULT_LOCK_MS = 5 * 60 * 1000;
/** The most attempts an operator may give a job (as a worker's `fail` allows). */
export const MAX_RETRIES = 1000;

function assertRetries(retries: number | undefined): void {
  if (retries === undefined) return;
  if (!Number.isInteger(retries) || retries < 1 || retries > MAX_RETRIES)
    throw new InvalidArgumentError(`retries must be a whole number from 1 to ${MAX_RETRIES}`);
}
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

  /**
   * Locks due jobs of one type for an external worker allowed that type. Each job carries only
   * the variables its task's input mappings give plus those the worker names in `fetchVariables`
   * (as Zeebe's fetch variables): a worker never sees the rest of the process's data.
   */
  async fetchAndLock(a: FetchRequest, identity: Identity): Promise<Job[]> {
    if (a.workerId.trim() === '') throw new InvalidArgumentError('workerId must not be empty');
    if (!policy.mayWorkJobs(identity, a.type)) refuseWorker(identity, a.type);
    const jobs = await claimJobs(this.db, {
      workerId: a.workerId,
      now: this.clock.now(),
      leaseMs: Math.max(a.lockMs ?? DEFAULT_LOCK_MS, 1),
      limit: Math.min(Math.max(a.maxJobs ?? 1, 1), MAX_FETCH),
      filter: { kind: 'worker', jobType: a.type },
    });
    return Promise.all(
      jobs.map(async (job) => ({
        ...job,
        variables: visibleVariablesOfJob(
          await this.runner.models.get(job.definitionId, this.db),
          job,
          a.fetchVariables ?? [],
        ),
      })),
    );
  }

  /** `result`: a task listener's answer (deny the completion, or correct the task), as Zeebe's job result. */
  async complete(
    jobId: string,
    workerId: string,
    variables: Variables,
    identity: Identity,
    result?: JobResult,
  ): Promise<void> {
    await this.#report(jobId, workerId, identity, {
      type: 'job.complete',
      jobId,
      variables,
      ...(result === undefined ? {} : { result }),
    });
  }

  async throwBpmnError(
    jobId: string,
    workerId: string,
    e: { errorCode: string; errorMessage?: string; variables?: Variables },
    identity: Identity,
  ): Promise<void> {
    await this.#report(jobId, workerId, identity, {
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
    identity: Identity,
  ): Promise<void> {
    if (f.retries > 0) {
      await this.tx(identity, async (cx) => {
        await this.#leased(cx, jobId, workerId, identity);
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
    await this.#report(jobId, workerId, identity, { type: 'job.incident', jobId, message: f.errorMessage });
  }

  /**
   * A manager of the incident's process retries it: the parked element runs again. `retries`
   * (1..MAX_RETRIES) sets how many attempts the job it creates gets, instead of the model's; an
   * incident whose retry creates no service job (an expression, a timer) refuses it.
   */
  async retryIncident(id: string, identity: Identity, retries?: number): Promise<void> {
    assertRetries(retries);
    if (!isUuid(id)) throw new IncidentNotFoundError(id);
    await this.tx(identity, async (cx) => {
      const incident = await this.#openIncident(cx, id);
      const instance = await this.runner.load(cx, incident.instance_id);
      await assertManages(cx, identity, instance);
      await this.#retry(cx, instance, incident, retries);
    });
  }

  /**
   * Retries the given open incidents, instance by instance: each instance's incidents in one
   * transaction of their own (a failure there leaves the others done), each checked by the
   * policy as a single retry is. Returns what happened per instance.
   */
  async retryMany(
    incidents: readonly { readonly id: string; readonly instanceId: string }[],
    identity: Identity,
    retries?: number,
  ): Promise<BulkRetryResult[]> {
    assertRetries(retries);
    const byInstance = new Map<string, string[]>();
    for (const incident of incidents) {
      const ids = byInstance.get(incident.instanceId) ?? [];
      ids.push(incident.id);
      byInstance.set(incident.instanceId, ids);
    }
    const results: BulkRetryResult[] = [];
    for (const [instanceId, incidentIds] of byInstance) {
      try {
        await this.tx(identity, async (cx) => {
          const instance = await this.runner.load(cx, instanceId);
          await assertManages(cx, identity, instance);
          for (const id of incidentIds) {
            const incident = await this.#openIncident(cx, id);
            if (incident.instance_id !== instanceId) throw new IncidentNotFoundError(id);
            // The previous retry wrote a new version of the row, which this transaction holds locked.
            await this.#retry(cx, await this.runner.load(cx, instanceId), incident, retries);
          }
        });
        results.push({ instanceId, incidentIds, ok: true });
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        results.push({ instanceId, incidentIds, ok: false, code: error.code, message: error.message });
      }
    }
    return results;
  }

  /**
   * Retries every open incident of one instance in the caller's transaction (a batch item), as
   * `retryMany` does per instance; INVALID_ARGUMENT when the instance has none open.
   */
  async retryOpenIncidents(
    cx: TxContext,
    instanceId: string,
    identity: Identity,
    retries?: number,
  ): Promise<void> {
    assertRetries(retries);
    await assertManages(cx, identity, await this.runner.load(cx, instanceId));
    const open = await cx.trx
      .selectFrom('incidents')
      .select(['id', 'element_id'])
      .where('instance_id', '=', instanceId)
      .where('resolved_at', 'is', null)
      .orderBy('created_at')
      .execute();
    if (open.length === 0) throw new InvalidArgumentError(`Instance ${instanceId} has no open incident`);
    // Each retry writes a new version of the row, which this transaction holds locked.
    for (const incident of open)
      await this.#retry(cx, await this.runner.load(cx, instanceId), incident, retries);
  }

  /**
   * Sets how many attempts a job has left (Camunda's "update job retries"), for a job that no
   * incident holds: one in its retry backoff, or one parked with no retries left (a start timer,
   * a boundary timer), which becomes claimable again. Its crash count starts over. Managers of
   * the job's process only; anyone else learns nothing of the job.
   */
  async setJobRetries(jobId: string, retries: number, identity: Identity): Promise<Job> {
    assertRetries(retries);
    if (!isUuid(jobId)) throw new JobNotFoundError(jobId);
    return this.tx(identity, async (cx) => {
      const job = await cx.trx
        .selectFrom('jobs')
        .innerJoin('definitions', 'definitions.id', 'jobs.definition_id')
        .select(['jobs.instance_id', 'definitions.process_id'])
        .where('jobs.id', '=', jobId)
        .executeTakeFirst();
      if (!job) throw new JobNotFoundError(jobId);
      if (job.instance_id !== null) {
        const instance = await cx.trx
          .selectFrom('instances')
          .select(['id', 'process_id', 'started_by'])
          .where('id', '=', job.instance_id)
          .executeTakeFirst();
        if (!instance) throw new JobNotFoundError(jobId);
        // Someone taking part in the instance hears "forbidden"; anyone else learns nothing of the job.
        await assertManages(cx, identity, instance).catch((error: unknown) => {
          throw error instanceof InstanceNotFoundError ? new JobNotFoundError(jobId) : error;
        });
      } else if (!policy.manages(identity, await readProcessAccess(cx.trx, job.process_id))) {
        throw new JobNotFoundError(jobId);
      }
      const updated = await cx.trx
        .updateTable('jobs')
        .set({ retries, crash_count: 0 })
        .where('id', '=', jobId)
        .returningAll()
        .executeTakeFirst();
      // Finished (completed, or its instance moved on) between the read and the write.
      if (!updated) throw new JobNotFoundError(jobId);
      return jobFromRow(updated);
    });
  }

  async #openIncident(cx: TxContext, id: string) {
    const incident = await cx.trx
      .selectFrom('incidents')
      .select(['id', 'instance_id', 'element_id'])
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    if (!incident) throw new IncidentNotFoundError(id);
    return incident;
  }

  /** Runs `incident.retry` on the (locked) instance; `retries` goes to the service job it creates. */
  async #retry(
    cx: TxContext,
    instance: InstanceRow,
    incident: { readonly id: string; readonly element_id: string },
    retries: number | undefined,
  ): Promise<void> {
    let retriesSet = 0;
    const adjust =
      retries === undefined
        ? undefined
        : (effects: readonly Effect[]): readonly Effect[] =>
            effects.map((effect) => {
              // History says with how many retries it was retried.
              if (effect.type === 'history' && effect.record.type === 'incident.resolved')
                return {
                  ...effect,
                  record: { ...effect.record, data: { ...(effect.record.data ?? {}), retries } },
                };
              if (
                effect.type !== 'job.create' ||
                effect.job.kind !== 'service' ||
                effect.job.elementId !== incident.element_id
              )
                return effect;
              retriesSet++;
              return { ...effect, job: { ...effect.job, retries } };
            });
    await this.runner.run(
      cx,
      instance,
      { type: 'incident.retry', incidentId: incident.id },
      adjust ? { adjust } : {},
    );
    // Thrown after the step: the transaction rolls back, so the retry did not happen either.
    if (retries !== undefined && retriesSet === 0)
      throw new InvalidArgumentError(
        `Incident ${incident.id} is not a service job's: its retry creates no job whose retries could be set`,
      );
    // The runtime resolves it; this makes sure a retried incident never stays open.
    await cx.trx
      .updateTable('incidents')
      .set({ resolved_at: cx.now })
      .where('id', '=', incident.id)
      .where('resolved_at', 'is', null)
      .execute();
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
  async correlateMessage(
    m: { name: string; correlationKey?: string | null; variables?: Variables },
    identity: Identity,
    check?: StartCheck,
  ): Promise<MessageCorrelation> {
    const key = m.correlationKey ?? null;
    const variables = m.variables ?? {};
    if (!policy.maySend(identity, 'messages', m.name)) {
      throw new ForbiddenError(
        `Not allowed to send the message '${m.name}': the token needs a scope messages:<pattern> matching it`,
        identity.kind === 'user' ? identity.id : null,
      );
    }
    // A message that will start an instance has its data checked against the start form before
    // the transaction (the check may read the database, which a one-connection store cannot
    // serve while the transaction holds it); the transaction decides again.
    const checkOnce = once(check);
    if (check) {
      const waiting = await this.#oldestSubscription({ trx: this.db }, m.name, key);
      const start = waiting ? undefined : await this.#messageStart(this.db, m.name);
      if (start) {
        await this.#assertMayStart(this.db, identity, start.process_id, m.name);
        await checkOnce({
          processId: start.process_id,
          formId: startFormOf(await this.runner.models.get(start.definition_id, this.db), start.element_id),
        });
      }
    }
    return this.tx(identity, async (cx) => {
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
        // Not theirs to deliver to: answered as if nothing waited, so no one learns it does.
        if (!(await mayDeliverTo(cx, identity, 'messages', m.name, instance)))
          throw new MessageNotCorrelatedError(m.name, key);
        await this.runner.run(cx, instance, {
          type: 'message.correlate',
          subscriptionId: subscription.id,
          variables,
        });
        return { instanceId: subscription.instance_id };
      }
      const start = await this.#messageStart(cx.trx, m.name);
      if (!start) throw new MessageNotCorrelatedError(m.name, key);
      await this.#assertMayStart(cx.trx, identity, start.process_id, m.name);
      await checkOnce({
        processId: start.process_id,
        formId: startFormOf(await this.runner.models.get(start.definition_id, cx.trx), start.element_id),
      });
      if (
        parallelStartDefinitions(await this.runner.models.get(start.definition_id, cx.trx), start.element_id)
      ) {
        // A parallel multiple start event gathers the message; the last trigger starts the instance.
        const gathered = await gatherStartTrigger(cx, this.runner, {
          definitionId: start.definition_id,
          elementId: start.element_id,
          kind: 'message',
          name: m.name,
          correlationKey: key,
          variables,
        });
        return {
          instanceId: gathered.instanceId,
          gathered: { processId: start.process_id, startEventId: start.element_id },
        };
      }
      const row = await this.runner.start(cx, {
        definitionId: start.definition_id,
        startEventId: start.element_id,
        variables,
        businessKey: key,
      });
      return { instanceId: row.id };
    });
  }

  /** The message start event of that name (the first process, by id, if several have one). */
  #messageStart(db: Kysely<DB>, name: string) {
    return db
      .selectFrom('start_subscriptions')
      .select(['definition_id', 'element_id', 'process_id'])
      .where('kind', '=', 'message')
      .where('name', '=', name)
      .orderBy('process_id')
      .limit(1)
      .executeTakeFirst();
  }

  async #assertMayStart(db: Kysely<DB>, identity: Identity, processId: string, name: string): Promise<void> {
    if (!policy.mayStart(identity, await readProcessAccess(db, processId))) {
      throw new ForbiddenError(
        `You may not start the process '${processId}' (its message start '${name}')`,
        identity.kind === 'user' ? identity.id : null,
      );
    }
  }

  /** The oldest waiting subscription for a message name and correlation key. */
  #oldestSubscription(cx: { readonly trx: Kysely<DB> }, name: string, key: string | null) {
    let query = cx.trx
      .selectFrom('message_subscriptions')
      .select(['id', 'instance_id'])
      .where('message_name', '=', name);
    query =
      key === null ? query.where('correlation_key', 'is', null) : query.where('correlation_key', '=', key);
    return query.orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  }

  /** A worker reports: checked against its lease, applied behind the lease guard. */
  async #report(jobId: string, workerId: string, identity: Identity, command: Command): Promise<void> {
    try {
      await this.tx(
        identity,
        async (cx) => {
          const job = await this.#leased(cx, jobId, workerId, identity);
          if (job.instance_id === null) throw new JobNotFoundError(jobId);
          await this.runner.run(cx, job.instance_id, command, {
            guard: jobGuard(jobId, workerId, cx),
            adjust: withoutJobCancel(jobId),
          });
        },
        { actor: actorOf(identity, 'worker') },
      );
    } catch (error) {
      if (error instanceof GuardMissedError) throw new JobLeaseLostError(jobId, workerId);
      throw error;
    }
  }

  /** The job row, if `workerId` holds an unexpired lease on it and the identity may work on its type. */
  async #leased(
    cx: TxContext,
    jobId: string,
    workerId: string,
    identity: Identity,
  ): Promise<Selectable<JobsTable>> {
    if (!isUuid(jobId)) throw new JobNotFoundError(jobId);
    const job = await cx.trx.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    if (!job) throw new JobNotFoundError(jobId);
    // A worker not allowed this job's type learns nothing of it.
    if (job.kind !== 'service' || !policy.mayWorkJobs(identity, job.job_type ?? ''))
      throw new JobNotFoundError(jobId);
    const until = job.locked_until === null ? null : new Date(job.locked_until);
    if (job.locked_by !== workerId || until === null || until < cx.now)
      throw new JobLeaseLostError(jobId, workerId);
    return job;
  }
}
