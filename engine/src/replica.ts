import { type Kysely, sql } from 'kysely';
import type { Clock } from './clock.js';
import { StoreUnavailableError } from './errors.js';
import type { DB } from './persistence/schema.js';
import { readAgainOnLostConnection } from './transaction.js';

/** What a read replica is doing: none configured, answering, or not answering (reads go to the primary). */
export type ReplicaStatus = 'none' | 'ready' | 'unavailable';

/** Where the router logs a replica outage; the engine's logger fits. */
interface ReplicaLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
}

/**
 * After a replica read fails for want of the replica, lag-tolerant reads go to the primary for
 * this long before the replica is tried again: a replica that hangs until the connect timeout
 * (2 s by default) must not add that wait to every page during an outage.
 */
export const REPLICA_RETRY_AFTER_MS = 30_000;

/**
 * The one place that decides which database answers a read.
 *
 * - `primary`: everything that must see the latest commit: single items (an instance, a task, its
 *   history), the policy's reads, reads that prime the write cache, and every command (those run
 *   in transactions on the primary and never come here).
 * - `lagging`: lists and figures that tolerate the replica's delay (inboxes and their counts,
 *   instance lists, KPIs, the incident and job lists, team load). They go to the replica when
 *   there is one; a replica that does not answer (connection refused or lost, a timeout:
 *   StoreUnavailableError) costs one warning and the read runs on the primary instead, so a
 *   replica outage never fails a page.
 *
 * Without a replica both are the primary.
 */
export class ReadRouter {
  readonly #primary: Kysely<DB>;
  readonly #replica: Kysely<DB> | undefined;
  readonly #clock: Clock;
  readonly #logger: ReplicaLogger;
  /** Epoch ms before which lag-tolerant reads skip the replica (after it failed). */
  #downUntil = 0;

  constructor(options: {
    readonly primary: Kysely<DB>;
    readonly replica?: Kysely<DB> | undefined;
    readonly clock: Clock;
    readonly logger: ReplicaLogger;
  }) {
    this.#primary = options.primary;
    this.#replica = options.replica;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  /** A read that must see the latest commit. */
  primary<T>(query: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    return readAgainOnLostConnection(() => query(this.#primary));
  }

  /** A list or figure that may lag the latest commit by the replica's delay. */
  async lagging<T>(query: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    const replica = this.#replica;
    if (replica === undefined || this.#clock.now().getTime() < this.#downUntil) return this.primary(query);
    try {
      const result = await readAgainOnLostConnection(() => query(replica));
      this.#up();
      return result;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.#down(error);
      return this.primary(query);
    }
  }

  /**
   * Asks the replica for one round trip (`/ready` reports it; readiness depends on the primary
   * alone). An answer lets lag-tolerant reads go back to it at once; no answer sends them to the
   * primary, as a failed read does.
   */
  async ping(): Promise<ReplicaStatus> {
    const replica = this.#replica;
    if (replica === undefined) return 'none';
    try {
      await readAgainOnLostConnection(() => sql`SELECT 1`.execute(replica));
      this.#up();
      return 'ready';
    } catch (error) {
      this.#down(error);
      return 'unavailable';
    }
  }

  #down(error: unknown): void {
    const first = this.#downUntil === 0;
    this.#downUntil = this.#clock.now().getTime() + REPLICA_RETRY_AFTER_MS;
    // One line per failed attempt, at most one per REPLICA_RETRY_AFTER_MS while it stays down.
    this.#logger.warn(
      { err: error instanceof Error ? error.message : String(error), retryAfterMs: REPLICA_RETRY_AFTER_MS },
      first
        ? 'The read replica did not answer: lists are read from the primary'
        : 'The read replica still does not answer: lists are read from the primary',
    );
  }

  #up(): void {
    if (this.#downUntil === 0) return;
    this.#downUntil = 0;
    this.#logger.info({}, 'The read replica answers again: lists are read from it');
  }
}
