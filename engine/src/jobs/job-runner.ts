import { sql } from 'kysely';
import { BpmnError, type Job, type JobHandler } from '../api.js';
import {
  type CommandRunner,
  GuardMissedError,
  type InstanceRow,
  jobGuard,
  jobLeases,
  jobsGuard,
} from '../command-runner.js';
import {
  ConcurrencyError,
  InstanceNotActiveError,
  InstanceNotFoundError,
  JobNotFoundError,
} from '../errors.js';
import { nextCycleDue } from '../expressions/timer.js';
import { newId } from '../persistence/ids.js';
import type { Effect, Variables } from '../runtime/types.js';
import { gatherStartTrigger, parallelStartDefinitions } from '../start-gathering.js';
import { NeedsTransactionError, type TxContext } from '../transaction.js';
import { backoffMs, type ClaimedJob, parkJob, releaseForRetry, releaseLeases } from './claim.js';

export interface JobRunnerDeps {
  readonly runner: CommandRunner;
  readonly workerId: string;
  readonly handlers: ReadonlyMap<string, JobHandler>;
  /**
   * One transaction with conflict retries (the engine's `transact`); `singleStatement` tries one
   * statement outside a transaction first, and a transaction when the work needs one.
   */
  readonly transact: <T>(
    work: (cx: TxContext) => Promise<T>,
    options?: { readonly singleStatement?: boolean },
  ) => Promise<T>;
  readonly now: () => Date;
  readonly logger: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
  /** A job went back to the queue (a lost race, a retry): the executor looks again before stopping. */
  readonly onReleased?: () => void;
}

/** The guarded job's own cancel is already done by the guard; saving it twice would be a no-op at best. */
export const withoutJobCancel =
  (jobId: string) =>
  (effects: readonly Effect[]): readonly Effect[] =>
    effects.filter((e) => !(e.type === 'job.cancel' && e.jobId === jobId));

/**
 * Runs one claimed job, at least once, idempotent by job id: whatever reports back goes through a
 * guard that deletes the job row only while this worker holds it, so a job that was cancelled,
 * completed or re-claimed meanwhile changes nothing. Handlers run outside any transaction.
 */
export async function runClaimedJob(deps: JobRunnerDeps, job: Job | ClaimedJob): Promise<void> {
  if ('abandoned' in job && job.abandoned) {
    await abandonJob(deps, job);
    return;
  }
  try {
    if (job.kind === 'timer') await fireTimer(deps, job);
    else if (job.kind === 'timerStart') await fireStartTimer(deps, job);
    else await runServiceJob(deps, job);
  } catch (error) {
    await failJob(deps, job, error);
  }
}

async function fireTimer(deps: JobRunnerDeps, job: Job): Promise<void> {
  await reportBack(deps, job, { type: 'timer.fire', jobId: job.id });
}

async function fireStartTimer(deps: JobRunnerDeps, job: Job): Promise<void> {
  await deps.transact(async (cx) => {
    const claimed = await sql<{
      definition_id: string;
      cycle: { expression: string; remaining: number | null } | null;
      headers: { definition?: number } | string | null;
    }>`
      DELETE FROM jobs WHERE id = ${job.id}::uuid AND locked_by = ${deps.workerId}::text RETURNING definition_id, cycle, headers`
      .execute(cx.trx)
      .then((r) => r.rows[0]);
    if (!claimed) return;
    const model = await deps.runner.models.get(claimed.definition_id, cx.trx);
    const headers = typeof claimed.headers === 'string' ? JSON.parse(claimed.headers) : claimed.headers;
    const definition: number | undefined =
      typeof headers?.definition === 'number' ? headers.definition : undefined;
    if (parallelStartDefinitions(model, job.elementId))
      // A timer of a parallel multiple start event counts for its gathering (start-gathering.ts).
      await gatherStartTrigger(cx, deps.runner, {
        definitionId: claimed.definition_id,
        elementId: job.elementId,
        kind: 'timer',
        name: null,
        ...(definition === undefined ? {} : { definition }),
        variables: {},
      });
    else
      await deps.runner.start(cx, {
        definitionId: claimed.definition_id,
        startEventId: job.elementId,
        variables: {},
      });
    const cycle = claimed.cycle;
    const next = cycle ? nextCycleDue(cycle.expression, job.dueAt, cycle.remaining) : null;
    if (!cycle || !next) return;
    await cx.trx
      .insertInto('jobs')
      .values({
        id: newId(),
        instance_id: null,
        definition_id: claimed.definition_id,
        element_id: job.elementId,
        token_id: null,
        kind: 'timerStart',
        job_type: null,
        due_at: next.dueAt,
        retries: 3,
        max_retries: 3,
        variables: '{}',
        headers: definition === undefined ? '{}' : JSON.stringify({ definition }),
        cycle: JSON.stringify({ expression: cycle.expression, remaining: next.remaining }),
        created_at: cx.now,
      })
      .execute();
  });
}

async function runServiceJob(deps: JobRunnerDeps, job: Job): Promise<void> {
  const handler = job.jobType === null ? undefined : deps.handlers.get(job.jobType);
  if (!handler) throw new Error(`No handler registered for job type '${job.jobType}'`);
  let variables: Variables;
  try {
    variables = (await handler(job)) ?? {};
  } catch (error) {
    if (error instanceof BpmnError) {
      await reportBack(deps, job, {
        type: 'job.error',
        jobId: job.id,
        errorCode: error.errorCode,
        errorMessage: error.message,
        variables: error.variables,
      });
      return;
    }
    throw error;
  }
  await reportCompletion(deps, job, { type: 'job.complete', jobId: job.id, variables });
}

/** A job completion waiting to be written with the others of its instance. */
interface PendingCompletion {
  readonly deps: JobRunnerDeps;
  readonly job: Job;
  readonly command: Parameters<CommandRunner['run']>[2];
  settle(outcome: Promise<boolean>): void;
}

/**
 * Per engine (its command runner): instances with a batch of completions being written, and the
 * completions that arrived meanwhile, which go together in the next batch.
 */
const inFlight = new WeakMap<CommandRunner, Map<string, PendingCompletion[]>>();

/**
 * Group commit per instance. Sibling branches of one instance finish at about the same time, and
 * each completion must lock and write the same instance row: one after the other, each paid a
 * transaction of four round trips (BEGIN, lock, write, COMMIT) while the others queued on the row
 * lock. Completions of one instance that arrive in the same turn of the event loop (the jobs of
 * one claim, run at once), or while one of its instance is being written, go together in ONE
 * transaction: one lock, the commands stepped one after the other in memory, ONE write whose
 * guard must still find every job's lease, one commit (`CommandRunner.advanceAll`; when a step
 * hands work to another instance, each is written in turn within the transaction). Each caller's
 * promise settles only after that commit (a completion is durable when acknowledged), so a job
 * finished elsewhere meanwhile changes nothing. If any completion of a batch cannot apply (its
 * lease is gone, an earlier one ended the instance), the batch rolls back whole and each runs
 * alone, as it would have without company. A completion alone waits only for the current turn of
 * the event loop (setImmediate), not for a timer.
 */
function reportCompletion(
  deps: JobRunnerDeps,
  job: Job,
  command: Parameters<CommandRunner['run']>[2],
): Promise<boolean> {
  const instanceId = job.instanceId;
  if (instanceId === null) return reportBack(deps, job, command);
  let queues = inFlight.get(deps.runner);
  if (!queues) {
    queues = new Map();
    inFlight.set(deps.runner, queues);
  }
  const instances = queues;
  return new Promise<boolean>((resolve, reject) => {
    const pending: PendingCompletion = {
      deps,
      job,
      command,
      settle: (outcome) => outcome.then(resolve, reject),
    };
    const waiting = instances.get(instanceId);
    if (waiting) {
      waiting.push(pending);
      return;
    }
    // Siblings whose handlers finished in this turn of the event loop (a claimed batch of an
    // instance's jobs) join this one before it is written: setImmediate adds no timer wait.
    const first = [pending];
    instances.set(instanceId, first);
    setImmediate(() => {
      instances.set(instanceId, []);
      void drainCompletions(instances, instanceId, first);
    });
  });
}

async function drainCompletions(
  instances: Map<string, PendingCompletion[]>,
  instanceId: string,
  first: PendingCompletion[],
): Promise<void> {
  let batch = first;
  for (;;) {
    await writeCompletions(instanceId, batch);
    const next = instances.get(instanceId) ?? [];
    if (next.length === 0) {
      instances.delete(instanceId);
      return;
    }
    instances.set(instanceId, []);
    batch = next;
  }
}

async function writeCompletions(instanceId: string, batch: readonly PendingCompletion[]): Promise<void> {
  const lone = (p: PendingCompletion) => reportBack(p.deps, p.job, p.command);
  if (batch.length === 1) {
    const only = batch[0]!;
    const outcome = lone(only);
    only.settle(outcome);
    await outcome.catch(() => {});
    return;
  }
  const { deps } = batch[0]!;
  const oneWorker = batch.every((p) => p.deps.workerId === deps.workerId);
  try {
    await deps.transact(
      async (cx) => {
        // This engine wrote the instance last: ONE statement outside a transaction, which locks
        // the jobs' leases before it writes and stands only if the row is still at that version.
        // Otherwise (or when that missed) a transaction: lock the row, then the same write.
        let row = await rowToWrite(deps, cx, instanceId, oneWorker);
        if (oneWorker) {
          // The usual case: every completion stepped in memory, ONE write behind one guard.
          const ids = batch.map((p) => p.job.id);
          const items = batch.map((p) => ({ command: p.command, adjust: withoutJobCancel(p.job.id) }));
          const written = await deps.runner.advanceAll(
            cx,
            row,
            items,
            jobsGuard(ids, deps.workerId, cx),
            ids.length,
            cx.inTransaction ? undefined : jobLeases(ids, deps.workerId, cx),
          );
          if (written) return;
          if (!cx.inTransaction) throw new NeedsTransactionError();
        }
        for (const p of batch) {
          row = await deps.runner.advance(cx, row, p.command, {
            guard: jobGuard(p.job.id, p.deps.workerId, cx),
            adjust: withoutJobCancel(p.job.id),
          });
        }
      },
      { singleStatement: true },
    );
  } catch {
    // Nothing of the batch was written: each goes alone, and gets its own answer.
    for (const p of batch) {
      const outcome = lone(p);
      p.settle(outcome);
      await outcome.catch(() => {});
    }
    return;
  }
  for (const p of batch) p.settle(Promise.resolve(true));
}

/**
 * The instance row a completion writes from: in a transaction, read and locked; outside one, the
 * row this engine wrote last (the write's version check proves it still current), or
 * NeedsTransactionError when the cache has none or the write cannot go alone (`alone` false).
 */
async function rowToWrite(
  deps: JobRunnerDeps,
  cx: TxContext,
  instanceId: string,
  alone = true,
): Promise<InstanceRow> {
  if (cx.inTransaction) return deps.runner.load(cx, instanceId);
  const remembered = alone ? deps.runner.cache.row(instanceId) : undefined;
  if (!remembered) throw new NeedsTransactionError();
  return remembered;
}

/** Runs the job's command on its instance behind the lease guard; a missed guard means someone else finished it. */
async function reportBack(
  deps: JobRunnerDeps,
  job: Job,
  command: Parameters<CommandRunner['run']>[2],
  workerId: string = deps.workerId,
): Promise<boolean> {
  if (job.instanceId === null) return false;
  const instanceId = job.instanceId;
  try {
    // As a batch of completions: one statement when this engine wrote the instance last.
    await deps.transact(
      async (cx) => {
        const row = await rowToWrite(deps, cx, instanceId);
        return deps.runner.run(cx, row, command, {
          guard: jobGuard(job.id, workerId, cx),
          adjust: withoutJobCancel(job.id),
          ...(cx.inTransaction ? {} : { hold: jobLeases([job.id], workerId, cx) }),
        });
      },
      { singleStatement: true },
    );
    return true;
  } catch (error) {
    if (error instanceof GuardMissedError) return false;
    if (error instanceof InstanceNotActiveError || error instanceof InstanceNotFoundError) {
      // An orphan: its instance ended without cancelling it. Drop it so it never runs again.
      await deps.transact((cx) => cx.trx.deleteFrom('jobs').where('id', '=', job.id).execute());
      return false;
    }
    throw error;
  }
}

/** A failed attempt: retry after a backoff while retries remain, else an incident on the instance. */
async function failJob(deps: JobRunnerDeps, job: Job, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const retries = job.retries - 1;
  try {
    if (error instanceof ConcurrencyError) {
      // Lost races on the instance are not the handler's failure: no retry spent, no backoff.
      await deps.transact((cx) => releaseLeases(cx.trx, deps.workerId, [job.id]));
      deps.onReleased?.();
      return;
    }
    if (retries > 0 || job.instanceId === null || job.kind !== 'service') {
      await deps.transact(async (cx) =>
        releaseForRetry(cx.trx, {
          jobId: job.id,
          workerId: deps.workerId,
          retries: Math.max(retries, 0),
          dueAt: new Date(deps.now().getTime() + backoffMs(job.attempts)),
          error: message,
        }),
      );
      deps.onReleased?.();
      if (retries <= 0) deps.logger.error({ jobId: job.id, err: error }, 'job out of retries');
      else deps.logger.warn({ jobId: job.id, retries, err: message }, 'job failed; retrying later');
      return;
    }
    await reportBack(deps, job, { type: 'job.incident', jobId: job.id, message });
  } catch (failure) {
    // The lease runs out and the job is claimed again: at least once, never lost.
    deps.logger.error({ jobId: job.id, err: failure }, 'could not record a job failure');
  }
}

/**
 * A job whose lease expired `crashCount` times: each run crashed or hung the process running it
 * (a handler that kills the process, an evaluation that never returns). Running it again would
 * take the next process down too, so its token goes to an incident on the element; jobs no token
 * waits on (start timers, boundary / event gateway / event subprocess timers) are parked with the
 * reason as their last error.
 */
async function abandonJob(deps: JobRunnerDeps, job: ClaimedJob): Promise<void> {
  const message =
    `the job's handler or evaluation crashed or hung the engine process ${job.crashCount} times ` +
    '(its lease expired each time without a report), so it is not run again';
  deps.logger.error({ jobId: job.id, elementId: job.elementId, crashCount: job.crashCount }, message);
  try {
    if (job.instanceId !== null) {
      try {
        await reportBack(deps, job, { type: 'job.incident', jobId: job.id, message });
        return;
      } catch (error) {
        if (!(error instanceof JobNotFoundError)) throw error;
      }
    }
    await deps.transact((cx) => parkJob(cx.trx, { jobId: job.id, workerId: deps.workerId, error: message }));
  } catch (failure) {
    // The lease runs out again and the next claim tries once more: never lost, never run.
    deps.logger.error({ jobId: job.id, err: failure }, 'could not record an abandoned job');
  }
}
