import type { Kysely } from 'kysely';
import type { Actor } from './api.js';
import type { ChangeEvent, ChangeFeed } from './change-feed.js';
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

/**
 * Runs `work` in one transaction, retrying on optimistic-lock conflicts (a conflict means another
 * command changed the instance first; re-reading and re-stepping is always safe because nothing
 * was committed). Changes are published only after commit.
 */
export async function transact<T>(
  deps: { readonly db: Kysely<DB>; readonly clock: Clock; readonly feed: ChangeFeed },
  actor: Actor,
  work: (cx: TxContext) => Promise<T>,
  options: { readonly retries?: boolean; readonly singleStatement?: boolean } = {},
): Promise<T> {
  const attempts = options.retries === false ? 1 : MAX_ATTEMPTS;
  let single = options.singleStatement === true;
  for (let attempt = 1; ; attempt++) {
    const changes: ChangeEvent[] = [];
    const afterCommit: (() => void)[] = [];
    try {
      // Single-statement mode: one command = one atomic data-modifying statement after its reads,
      // which saves BEGIN and COMMIT round trips (half of a step's cost on PostgreSQL).
      const result = single
        ? await work({
            trx: deps.db,
            inTransaction: false,
            now: deps.clock.now(),
            actor,
            changes,
            afterCommit,
          })
        : await deps.db
            .transaction()
            .execute((trx) =>
              work({ trx, inTransaction: true, now: deps.clock.now(), actor, changes, afterCommit }),
            );
      for (const done of afterCommit) done();
      deps.feed.publish(changes);
      return result;
    } catch (error) {
      if (error instanceof NeedsTransactionError) {
        single = false;
        attempt--;
        continue;
      }
      if (attempt < attempts && isRetryable(error)) continue;
      throw translateStoreError(error);
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
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATE_CLASSES.some((c) => code.startsWith(c))) {
      return new StoreUnavailableError((error as Error).message);
    }
  }
  const message = (error as Error)?.message ?? '';
  if (/Connection terminated|connection is closed|Client has encountered a connection error/i.test(message)) {
    return new StoreUnavailableError(message);
  }
  return error;
}
