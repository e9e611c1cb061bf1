import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import { BatchNotFoundError, BatchStateConflictError, InvalidArgumentError } from '../errors.js';
import type { Identity } from '../identity.js';
import { isUuid } from '../persistence/ids.js';
import type { BatchesTable, DB } from '../persistence/schema.js';
import { checkFilter, DRY_RUN_SAMPLE, filterCondition, MAX_BATCH_ITEMS } from './filter.js';
import {
  BATCH_KINDS,
  type Batch,
  type BatchDetail,
  type BatchDryRun,
  type BatchFilter,
  type BatchKind,
  type BatchParameters,
  type BatchRequest,
  type BatchState,
} from './types.js';

/** Failures `GET /batches/:id` shows at most per page. */
export const MAX_FAILURES_PAGE = 500;
const MAX_VARIABLES_BYTES = 64 * 1024;
const MAX_RETRIES = 1000;

/** Checks the request's kind and the parameters that kind needs; INVALID_ARGUMENT otherwise. */
export function checkRequest(request: BatchRequest): BatchParameters {
  if (!BATCH_KINDS.includes(request.kind))
    throw new InvalidArgumentError(`kind must be one of ${BATCH_KINDS.join(', ')}`);
  checkFilter(request.filter);
  const p = request.parameters ?? {};
  switch (request.kind) {
    case 'cancel':
      return {};
    case 'retry':
      if (
        p.retries !== undefined &&
        (!Number.isInteger(p.retries) || p.retries < 1 || p.retries > MAX_RETRIES)
      )
        throw new InvalidArgumentError(`parameters.retries must be a whole number from 1 to ${MAX_RETRIES}`);
      return p.retries === undefined ? {} : { retries: p.retries };
    case 'migrate':
      if (p.targetDefinitionId === undefined || !isUuid(p.targetDefinitionId))
        throw new InvalidArgumentError('parameters.targetDefinitionId must name a deployed version');
      return {
        targetDefinitionId: p.targetDefinitionId,
        ...(p.mappings ? { mappings: p.mappings } : {}),
        ...(p.reason ? { reason: p.reason } : {}),
      };
    case 'variables': {
      const v = p.variables;
      if (
        v === undefined ||
        v === null ||
        typeof v !== 'object' ||
        Array.isArray(v) ||
        Object.keys(v).length === 0
      )
        throw new InvalidArgumentError('parameters.variables must be an object with at least one variable');
      if (Buffer.byteLength(JSON.stringify(v)) > MAX_VARIABLES_BYTES)
        throw new InvalidArgumentError('parameters.variables is larger than 64 kB');
      return { variables: v };
    }
  }
}

/** How many instances match (counted up to one past the cap, never further) and the first few. */
export async function dryRun(
  db: Kysely<DB>,
  kind: BatchKind,
  filter: BatchFilter,
  excluded: readonly string[],
): Promise<BatchDryRun> {
  const where = filterCondition(kind, filter, excluded);
  const [counted, sample] = await Promise.all([
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('instances')
          .select('id')
          .where(where)
          .limit(MAX_BATCH_ITEMS + 1)
          .as('m'),
      )
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('instances')
      .select(['id', 'process_id', 'started_at'])
      .where(where)
      .orderBy('started_at')
      .orderBy('id')
      .limit(DRY_RUN_SAMPLE)
      .execute(),
  ]);
  const n = Number(counted.n);
  return {
    dryRun: true,
    matched: Math.min(n, MAX_BATCH_ITEMS),
    overLimit: n > MAX_BATCH_ITEMS,
    sample: sample.map((r) => ({ id: r.id, processId: r.process_id, startedAt: new Date(r.started_at) })),
  };
}

/**
 * Writes the batch and one item per matching instance in the caller's transaction, with one
 * INSERT ... SELECT: the instances never pass through the engine's memory. A filter matching more
 * than `MAX_BATCH_ITEMS` is refused and nothing is written.
 */
export async function insertBatch(
  trx: Kysely<DB>,
  a: {
    readonly kind: BatchKind;
    readonly filter: BatchFilter;
    readonly parameters: BatchParameters;
    readonly excluded: readonly string[];
    readonly creator: Identity;
    readonly createdBy: string | null;
    readonly now: Date;
  },
): Promise<Batch> {
  const id = randomUUID();
  await trx
    .insertInto('batches')
    .values({
      id,
      kind: a.kind,
      filter: JSON.stringify(a.filter),
      parameters: JSON.stringify(a.parameters),
      total: 0,
      state: 'running',
      process_ids: [],
      created_by: a.createdBy,
      creator: JSON.stringify(a.creator),
      created_at: a.now,
      updated_at: a.now,
    })
    .execute();
  await trx
    .insertInto('batch_items')
    .columns(['batch_id', 'seq', 'instance_id'])
    .expression((eb) =>
      eb
        .selectFrom('instances')
        .select([
          sql<string>`${id}::uuid`.as('batch_id'),
          sql<number>`(row_number() OVER (ORDER BY instances.started_at, instances.id))::int`.as('seq'),
          'instances.id',
        ])
        .where(filterCondition(a.kind, a.filter, a.excluded))
        .orderBy('instances.started_at')
        .orderBy('instances.id')
        .limit(MAX_BATCH_ITEMS + 1),
    )
    .execute();
  const { n } = await trx
    .selectFrom('batch_items')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('batch_id', '=', id)
    .executeTakeFirstOrThrow();
  const total = Number(n);
  if (total > MAX_BATCH_ITEMS)
    throw new InvalidArgumentError(
      `The filter matches more than ${MAX_BATCH_ITEMS} instances; narrow it (a dry run counts them)`,
    );
  const processes = await trx
    .selectFrom('batch_items')
    .innerJoin('instances', 'instances.id', 'batch_items.instance_id')
    .select('instances.process_id')
    .distinct()
    .where('batch_items.batch_id', '=', id)
    .execute();
  const row = await trx
    .updateTable('batches')
    .set({
      total,
      process_ids: processes.map((p) => p.process_id).sort(),
      ...(total === 0 ? { state: 'completed', ended_at: a.now } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return batchFromRow(row);
}

export async function readBatch(
  db: Kysely<DB>,
  id: string,
  forUpdate = false,
): Promise<Selectable<BatchesTable>> {
  if (!isUuid(id)) throw new BatchNotFoundError(id);
  const row = await db
    .selectFrom('batches')
    .selectAll()
    .where('id', '=', id)
    .$if(forUpdate, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw new BatchNotFoundError(id);
  return row;
}

/** Which state a command moves a batch from and to. */
const TRANSITIONS: Record<'pause' | 'resume' | 'cancel', { from: readonly BatchState[]; to: BatchState }> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['running', 'paused'], to: 'cancelled' },
};

/** Pauses, resumes or cancels a locked batch row; a batch in another state refuses (409). */
export async function changeState(
  trx: Kysely<DB>,
  row: Selectable<BatchesTable>,
  command: 'pause' | 'resume' | 'cancel',
  now: Date,
): Promise<Batch> {
  const { from, to } = TRANSITIONS[command];
  if (!from.includes(row.state as BatchState)) throw new BatchStateConflictError(row.id, row.state, command);
  const updated = await trx
    .updateTable('batches')
    .set({ state: to, updated_at: now, ...(to === 'cancelled' ? { ended_at: now } : {}) })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return batchFromRow(updated);
}

export async function listBatches(
  db: Kysely<DB>,
  a: {
    readonly state?: BatchState;
    readonly createdBy: string | null;
    /** Null: every batch; else those of `createdBy` and those touching none of these processes. */
    readonly excluded: readonly string[] | null;
    readonly limit: number;
    readonly offset: number;
  },
): Promise<{ items: Batch[]; total: number }> {
  const base = db
    .selectFrom('batches')
    .$if(a.state !== undefined, (q) => q.where('state', '=', a.state as BatchState))
    .$if(a.excluded !== null, (q) =>
      q.where((eb) =>
        eb.or([
          ...(a.createdBy !== null ? [eb('created_by', '=', a.createdBy)] : []),
          eb.not(sql<boolean>`process_ids && ${sql.val(a.excluded ?? [])}::text[]`),
        ]),
      ),
    );
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(a.limit).offset(a.offset).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(batchFromRow), total: Number(count.n) };
}

export async function failuresOf(
  db: Kysely<DB>,
  row: Selectable<BatchesTable>,
  page: { readonly limit: number; readonly offset: number },
): Promise<BatchDetail> {
  const failures = await db
    .selectFrom('batch_items')
    .select(['instance_id', 'error_code', 'error_message', 'processed_at'])
    .where('batch_id', '=', row.id)
    .where('state', '=', 'failed')
    .orderBy('seq')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return {
    ...batchFromRow(row),
    failures: failures.map((f) => ({
      instanceId: f.instance_id,
      code: f.error_code ?? 'UNKNOWN',
      message: f.error_message ?? '',
      at: new Date(f.processed_at ?? row.updated_at),
    })),
  };
}

export function batchFromRow(row: Selectable<BatchesTable>): Batch {
  const filter = { ...(row.filter as Record<string, unknown>) };
  for (const key of ['startedAfter', 'startedBefore'])
    if (typeof filter[key] === 'string') filter[key] = new Date(filter[key] as string);
  return {
    id: row.id,
    kind: row.kind as BatchKind,
    filter: filter as BatchFilter,
    parameters: row.parameters as BatchParameters,
    state: row.state as BatchState,
    total: row.total,
    done: row.done,
    failed: row.failed,
    processIds: row.process_ids,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    endedAt: row.ended_at === null ? null : new Date(row.ended_at),
  };
}
