import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../persistence/schema.js';
import { type ClaimedJob, claimExecutorJobs, releaseLeases } from './claim.js';

export interface ExecutorDeps {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly workerId: string;
  /** Service job types with an in-process handler. */
  readonly serviceTypes: () => readonly string[];
  /** Runs one claimed job to its end (complete, retry or incident); must not throw. */
  readonly runJob: (job: ClaimedJob) => Promise<void>;
  readonly logger: { error(obj: unknown, msg?: string): void };
}

export interface ExecutorOptions {
  readonly pollMs?: number;
  readonly leaseMs?: number;
  readonly concurrency?: number;
  /**
   * After this many expired leases (each a run that crashed or hung the process running it) a
   * job goes to an incident instead of running again. Default 3.
   */
  readonly maxCrashes?: number;
}

const DEFAULT_LEASE_MS = 5 * 60 * 1000;
const DEFAULT_MAX_CRASHES = 3;
/** A drain stops after this many batches, so a timer loop cannot hold the caller forever. */
const MAX_BATCHES = 1000;

/**
 * The job executor: claims due jobs and runs them. `runDue` drains what is due now (tests call it
 * with a virtual clock); `start` polls in the background until `stop`.
 */
export class JobExecutor {
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** A job was created since the last claim began: the loop must look again before sleeping. */
  #poked = false;
  /** Pokes so far: `runDue` claims again after a short batch only when a job was created meanwhile. */
  #pokes = 0;

  constructor(readonly deps: ExecutorDeps) {}

  /** Claims and runs every job due now, batch by batch; returns how many ran. */
  async runDue(
    options: { readonly limit?: number; readonly leaseMs?: number; readonly maxCrashes?: number } = {},
  ): Promise<number> {
    const limit = options.limit ?? 50;
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const pokes = this.#pokes;
      const ran = await this.#runBatch(
        limit,
        options.leaseMs ?? DEFAULT_LEASE_MS,
        options.maxCrashes ?? DEFAULT_MAX_CRASHES,
      );
      total += ran;
      if (ran === 0) break;
      // A short batch took every job due at its claim; unless a run created or released one
      // since, claiming again would find nothing (an empty claim is a statement all the same).
      if (ran < limit && this.#pokes === pokes) break;
    }
    return total;
  }

  /** Starts polling in the background; a second call is a no-op. */
  start(options: ExecutorOptions = {}): void {
    if (this.#running) return;
    this.#running = true;
    const pollMs = options.pollMs ?? 500;
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    const concurrency = options.concurrency ?? 4;
    const maxCrashes = options.maxCrashes ?? DEFAULT_MAX_CRASHES;
    this.#loop = (async () => {
      while (this.#running) {
        this.#poked = false;
        let ran = 0;
        try {
          ran = await this.#runBatch(concurrency, leaseMs, maxCrashes);
        } catch (error) {
          this.deps.logger.error({ err: error }, 'job executor: claim failed');
        }
        // A job committed while the empty claim was in flight would otherwise wait a whole poll.
        if (ran === 0 && this.#running && !this.#poked) await this.#sleep(pollMs);
      }
    })();
  }

  /** Stops polling and waits for running jobs to finish; leases of unstarted work are released. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Wakes the poll loop (after a command created a job that is due now), or keeps it from sleeping. */
  poke(): void {
    this.#pokes++;
    this.#poked = true;
    this.#wake?.();
  }

  async #runBatch(limit: number, leaseMs: number, maxCrashes: number): Promise<number> {
    const jobs = await claimExecutorJobs(
      this.deps.db,
      {
        workerId: this.deps.workerId,
        now: this.deps.clock.now(),
        leaseMs,
        limit,
        filter: { kind: 'executor', serviceTypes: this.deps.serviceTypes() },
      },
      maxCrashes,
    );
    if (jobs.length === 0) return 0;
    const unfinished = new Set(jobs.map((job) => job.id));
    try {
      await Promise.allSettled(
        jobs.map((job) => this.deps.runJob(job).then(() => unfinished.delete(job.id))),
      );
    } finally {
      // Jobs whose run crashed go back at once rather than after the lease.
      if (unfinished.size > 0) {
        this.#pokes++;
        await releaseLeases(this.deps.db, this.deps.workerId, [...unfinished]).catch(() => {});
      }
    }
    return jobs.length;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // The poll interval is real time on purpose: it paces the loop, it does not decide what is due.
      const done = () => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}
