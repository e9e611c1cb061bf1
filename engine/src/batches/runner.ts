import { type Kysely, sql } from 'kysely';
import { ConcurrencyError, EngineError } from '../errors.js';
import { actorOf, type Identity } from '../identity.js';
import type { DB } from '../persistence/schema.js';
import type { TxContext } from '../transaction.js';
import type { BatchKind, BatchParameters } from './types.js';

/** Runs one item's command on its instance inside the item's transaction, as the batch's creator. */
export type BatchOperation = (
  cx: TxContext,
  kind: BatchKind,
  parameters: BatchParameters,
  instanceId: string,
  identity: Identity,
) => Promise<void>;

export interface BatchRunnerDeps {
  readonly db: Kysely<DB>;
  readonly workerId: string;
  /** One transaction (the engine's `transact`, with its retries on conflicts). */
  readonly transact: <T>(work: (cx: TxContext) => Promise<T>) => Promise<T>;
  readonly operate: BatchOperation;
}

/** Items one executor turn processes at most (each in its own transaction): small, so pausing is quick. */
export const BATCH_CHUNK = 25;
/** Characters of a failure's message kept per item. */
const MAX_REASON = 2_000;
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '23505']);

type Outcome = 'none' | 'done' | 'failed';

/**
 * Processes pending items of running batches, oldest batch first, each item in ONE transaction:
 * it claims the item (`FOR UPDATE SKIP LOCKED`, so another engine process takes the next one),
 * runs the command under a savepoint, and marks the item `done`, or `failed` with the reason
 * after rolling the command back to the savepoint, and counts it on the batch row. The mark and
 * the command commit together: an item is never processed twice, and a crash before the commit
 * leaves it pending for whichever engine runs next (after a restart, too).
 */
export async function runBatchChunk(deps: BatchRunnerDeps, limit = BATCH_CHUNK): Promise<number> {
  let processed = 0;
  for (let i = 0; i < limit; i++) {
    const outcome = await processOne(deps);
    if (outcome === 'none') break;
    processed++;
  }
  return processed;
}

async function processOne(deps: BatchRunnerDeps): Promise<Outcome> {
  return deps.transact(async (cx) => {
    const item = await cx.trx
      .selectFrom('batch_items as bi')
      .innerJoin('batches as b', 'b.id', 'bi.batch_id')
      .select(['bi.batch_id', 'bi.instance_id', 'b.kind', 'b.parameters', 'b.creator'])
      .where('b.state', '=', 'running')
      .where('bi.state', '=', 'pending')
      .orderBy('b.created_at')
      .orderBy('bi.batch_id')
      .orderBy('bi.seq')
      .limit(1)
      .forUpdate('bi')
      .skipLocked()
      .executeTakeFirst();
    if (!item) return 'none';
    // The batch row is locked too: a pause or cancel committed meanwhile is seen here.
    const batch = await cx.trx
      .selectFrom('batches')
      .select('state')
      .where('id', '=', item.batch_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (batch.state !== 'running') return 'none';
    const creator = item.creator as Identity;
    const asCreator: TxContext = { ...cx, identity: creator, actor: actorOf(creator) };
    const changes = cx.changes.length;
    const afterCommit = cx.afterCommit.length;
    await sql`SAVEPOINT batch_item`.execute(cx.trx);
    let failure: { code: string; message: string } | undefined;
    try {
      await deps.operate(
        asCreator,
        item.kind as BatchKind,
        item.parameters as BatchParameters,
        item.instance_id,
        creator,
      );
      await sql`RELEASE SAVEPOINT batch_item`.execute(cx.trx);
    } catch (error) {
      // Conflicts are retried by `transact` with fresh state; anything else is this item's failure.
      if (
        error instanceof ConcurrencyError ||
        RETRYABLE_SQLSTATES.has(String((error as { code?: unknown })?.code))
      )
        throw error;
      await sql`ROLLBACK TO SAVEPOINT batch_item`.execute(cx.trx);
      cx.changes.length = changes;
      cx.afterCommit.length = afterCommit;
      failure =
        error instanceof EngineError
          ? { code: error.code, message: error.message }
          : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    }
    const ok = failure === undefined;
    await cx.trx
      .updateTable('batch_items')
      .set({
        state: ok ? 'done' : 'failed',
        error_code: failure?.code ?? null,
        error_message: failure?.message.slice(0, MAX_REASON) ?? null,
        processed_at: cx.now,
        processed_by: deps.workerId,
      })
      .where('batch_id', '=', item.batch_id)
      .where('instance_id', '=', item.instance_id)
      .execute();
    // SET's right-hand sides see the row before the update: `done + failed + 1` counts this item.
    await sql`
      UPDATE batches SET
        done = done + ${ok ? 1 : 0}::int,
        failed = failed + ${ok ? 0 : 1}::int,
        updated_at = ${cx.now}::timestamptz,
        state = CASE WHEN done + failed + 1 >= total THEN 'completed' ELSE state END,
        ended_at = CASE WHEN done + failed + 1 >= total THEN ${cx.now}::timestamptz ELSE ended_at END
      WHERE id = ${item.batch_id}::uuid`.execute(cx.trx);
    return ok ? 'done' : 'failed';
  });
}
