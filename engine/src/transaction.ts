import type { Kysely } from 'kysely';
import type { Actor } from './api.js';
import type { ChangeEvent, ChangeFeed } from './change-feed.js';
import { actorOf, type Identity } from './identity.js';
import type { Clock } from './clock.js';
import { ConcurrencyError, EngineError, StoreUnavailableError } from './errors.js';
import type { DB } from './persistence/schema.js';

/** What one command's transaction carries through its (possibly nested) steps. */
export interface TxContext {
  /** The transaction, or the pool itself in single-statement mode (see `transact`). */
  readonly trx: Kysely<DB>;
  /** False in single-statement mode: reads, then at most one write statement, no follow-up commands. */
  readonly inTransaction: boolean;
  /** One instant per transaction: every row and history event of a command shares it. */
  readonly now: Date;
  /** Who performs the command, as the policy checks it. */
  readonly identity: Identity;
  /** Who history records as having done it. */
  readonly actor: Actor;
  /** Published on the change feed after commit. */
  readonly changes: ChangeEvent[];
  /** Run after commit (cache updates); dropped on rollback. */
  readonly afterCommit: (() => void)[];
}

/**
 * Thrown in single-statement mode when the step turned out to need more than one write (child
 * instances, parents, signals); `transact` runs the work again inside a transaction.
 */
export class NeedsTransactionError extends Error {
  constructor() {
    super('this command needs a transaction');
  }
}

/** Conflicts worth retrying with fresh state: our optimistic check, deadlocks, serialization failures. */
// 23505: two deploys raced for the same next version number; the retry sees the winner.
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '23505']);
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '57P'];
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
const MAX_ATTEMPTS = 5;
/** Upper bound of the random pause before retrying a conflict that no row lock prevents (deadlock, serialization, unique). */
const MAX_JITTER_MS = 4;

/** Reruns after a connection was lost before anything committed; a real outage fails fast anyway. */
const MAX_RERUNS = 2;
const RERUN_PAUSE_MS = 25;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` in one transaction, retrying on optimistic-lock conflicts (a conflict means another
 * command changed the instance first; re-reading and re-stepping is always safe because nothing
 * was committed). Changes are published only after commit.
 *
 * Single-statement commands (start, complete) are optimistic: no transaction, no row lock, the
 * write's version check decides. Commands in a transaction read their instance `FOR NO KEY
 * UPDATE` (see `CommandRunner.load`), so a concurrent one queues on the row lock and then steps
 * on fresh state instead of losing. A lost version check is retried at once, in a transaction.
 * Measured with 8 callers on a fan-out of 10 parallel service tasks (peer benchmark): purely
 * optimistic retries lost 5 times in a row often enough to park jobs for a second's backoff
 * (8 instances/s, p50 1.1 s, ~1,000 rollbacks in 4 s); with the row lock 50-80 instances/s,
 * p50 75-135 ms, no rollbacks.
 */
export async function transact<T>(
  deps: { readonly db: Kysely<DB>; readonly clock: Clock; readonly feed: ChangeFeed },
  identity: Identity,
  work: (cx: TxContext) => Promise<T>,
  options: { readonly retries?: boolean; readonly singleStatement?: boolean; readonly actor?: Actor } = {},
): Promise<T> {
  const actor = options.actor !== undefined ? options.actor : actorOf(identity);
  const attempts = options.retries === false ? 1 : MAX_ATTEMPTS;
  let single = options.singleStatement === true;
  let reruns = 0;
  for (let attempt = 1; ; attempt++) {
    const changes: ChangeEvent[] = [];
    const afterCommit: (() => void)[] = [];
    let committing = false;
    try {
      // Single-statement mode: one command = one atomic data-modifying statement after its reads,
      // which saves BEGIN and COMMIT round trips (half of a step's cost on PostgreSQL).
      const result = single
        ? await work({
            trx: deps.db,
            inTransaction: false,
            now: deps.clock.now(),
            identity,
            actor,
            changes,
            afterCommit,
          })
        : await deps.db.transaction().execute(async (trx) => {
            const result = await work({
              trx,
              inTransaction: true,
              now: deps.clock.now(),
              identity,
              actor,
              changes,
              afterCommit,
            });
            committing = true;
            return result;
          });
      for (const done of afterCommit) done();
      deps.feed.publish(changes);
      return result;
    } catch (error) {
      if (error instanceof NeedsTransactionError) {
        single = false;
        attempt--;
        continue;
      }
      // A pooled connection the server dropped (a restart, a failover) fails on its first use.
      // If nothing can have committed, run again (at most twice) on a fresh one. Single-statement
      // writes report their own failure as StoreUnavailableError (the outcome is unknown), so
      // only a failed read arrives here raw.
      const beforeAnyCommit = single ? !(error instanceof EngineError) : !committing;
      if (reruns < MAX_RERUNS && beforeAnyCommit && isUnavailable(error)) {
        reruns++;
        attempt--;
        // A moment for the pool to hear about its other dropped connections.
        await pause(RERUN_PAUSE_MS);
        continue;
      }
      if (attempt >= attempts || !isRetryable(error)) throw translateStoreError(error);
      if (error instanceof ConcurrencyError) {
        // Lost an optimistic check: retry now, in a transaction that holds the instance's row lock.
        single = false;
      } else {
        // Deadlock victim, serialization failure, a raced unique key: a tiny random pause
        // de-synchronises the contenders before they meet again.
        await pause(Math.random() * MAX_JITTER_MS * attempt);
      }
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof ConcurrencyError) return true;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/** Maps "the database is gone" to StoreUnavailableError; everything else passes through. */
export function translateStoreError(error: unknown): unknown {
  if (error instanceof EngineError) return error;
  return isUnavailable(error) ? new StoreUnavailableError((error as Error).message) : error;
}

/** A lost or refused connection, or a server shutting down: not the command's fault. */
function isUnavailable(error: unknown): boolean {
  if (error instanceof EngineError) return false;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATE_CLASSES.some((c) => code.startsWith(c))) {
      return true;
    }
  }
  const message = (error as Error)?.message ?? '';
  return /Connection terminated|connection is closed|Client has encountered a connection error/i.test(
    message,
  );
}

/**
 * Runs a read; a connection the server dropped (it fails on first use after a restart) is
 * retried on a fresh one, since reading twice is harmless. Failures end as StoreUnavailableError.
 */
export async function readAgainOnLostConnection<T>(query: () => Promise<T>): Promise<T> {
  for (let rerun = 0; ; rerun++) {
    try {
      return await query();
    } catch (error) {
      if (rerun >= MAX_RERUNS || !isUnavailable(error)) throw translateStoreError(error);
      await pause(RERUN_PAUSE_MS);
    }
  }
}
