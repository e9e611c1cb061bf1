import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { insertStartTrigger, staticValue } from './deploy.js';
import { DefinitionNotFoundError, InvalidArgumentError, StartGatheringFullError } from './errors.js';
import type { ModelCache } from './model-cache.js';
import type { EventDefinition, ProcessModel } from './model/types.js';
import type { DB } from './persistence/schema.js';
import type { Variables } from './runtime/types.js';
import type { TxContext } from './transaction.js';

/**
 * Parallel multiple process start events (`<bpmn:startEvent parallelMultiple="true">` with several
 * message, signal, timer and conditional definitions; BPMN 2.0 10.5.2): the process starts only
 * once every one of the definitions has happened. Each trigger that arrives is recorded in a
 * durable gathering (definition version, start event, gathering key) in the transaction that
 * handles the message, signal or timer, or that evaluates the condition (`evaluateConditions`,
 * conditional-start.ts, when the condition holds for the variables it is given). A trigger whose definition already happened in the open gathering waits for
 * the next one (first come, first served, in arrival order: none is lost). The trigger that
 * completes the open gathering starts the instance in the same transaction, with the variables of
 * the gathering's triggers merged in arrival order (later wins), and closes it.
 *
 * The gathering row is locked (an upsert that bumps its `next_seq`) before its triggers are read,
 * so two engines on one database count one gathering one after the other and start one instance.
 *
 * The gathering key is the message's correlation key when the start event's messages declare one
 * (`zeebe:subscription`): one gathering per key, and the key becomes the instance's business key.
 * Otherwise there is one gathering and the business key is that of the first message gathered
 * with one. A date or duration timer counts once per gathering: it is armed again when a gathering
 * closes. A cycle keeps firing, each firing counting for the open (or next) gathering.
 */

/**
 * At most this many triggers wait in one gathering (the open one and those queued for the next):
 * each arrival reads them, and a trigger that only ever repeats must not grow it without end. The
 * next repeat is refused with StartGatheringFullError (409 through the API; in a step, an
 * incident); a trigger the open gathering still misses is always taken.
 */
export const MAX_WAITING_TRIGGERS = 1_000;

/** What starts an instance: the command runner's `start`, reduced to what a gathering needs. */
export interface GatheringStarter {
  readonly models: ModelCache;
  start(
    cx: TxContext,
    request: {
      readonly definitionId: string;
      readonly startEventId: string;
      readonly variables: Variables;
      readonly businessKey: string | null;
      readonly gathered: readonly GatheredTrigger[];
    },
    depth?: number,
  ): Promise<{ readonly id: string }>;
}

/** What can trigger a definition of a parallel multiple start event. */
export type TriggerKind = 'message' | 'signal' | 'timer' | 'conditional';

/** A trigger recorded in a gathering. */
export interface GatheredTrigger {
  readonly kind: TriggerKind;
  /** The event definition it fulfils (index in document order). */
  readonly definition: number;
  /** The message or signal name; null for a timer or a condition. */
  readonly name: string | null;
  readonly correlationKey: string | null;
  readonly arrivedAt: string;
}

/** An open gathering of a parallel multiple start event (`engine.listStartGatherings`). */
export interface StartGathering {
  readonly processId: string;
  readonly definitionId: string;
  readonly version: number;
  readonly startEventId: string;
  /** The messages' correlation key this gathering is for; null when the start event gathers without one. */
  readonly correlationKey: string | null;
  readonly openedAt: string;
  /** The open gathering's triggers, one per definition that happened, in arrival order. */
  readonly triggers: readonly GatheredTrigger[];
  /** The definitions still missing, in document order. */
  readonly missing: readonly {
    readonly definition: number;
    readonly kind: TriggerKind;
    readonly name: string | null;
  }[];
  /** Triggers that arrived for definitions which had already happened: they wait for the next gathering. */
  readonly queued: number;
}

/** A message, signal, timer or holding condition arriving at a parallel multiple start event. */
export interface ArrivingTrigger {
  readonly definitionId: string;
  readonly elementId: string;
  readonly kind: TriggerKind;
  /** The message or signal name; for a timer or a condition, null. */
  readonly name: string | null;
  /** The message's correlation key. */
  readonly correlationKey?: string | null;
  /** For a timer: the definition index its job was armed for; for a condition: the definition that holds. */
  readonly definition?: number;
  readonly variables: Variables;
}

/** The definitions of a parallel multiple start event, or undefined when `elementId` is none. */
export function parallelStartDefinitions(
  model: ProcessModel,
  elementId: string,
): readonly EventDefinition[] | undefined {
  const element = model.elements[elementId];
  if (!element || !('parallelMultiple' in element) || element.parallelMultiple !== true) return undefined;
  if (!model.scopes[model.id]?.startEventIds.includes(elementId)) return undefined;
  return 'multiple' in element ? element.multiple : undefined;
}

/** Whether a start event gathers per correlation key: one of its messages declares one. */
function gathersByKey(definitions: readonly EventDefinition[]): boolean {
  return definitions.some((event) => event.kind === 'message' && event.correlationKey !== undefined);
}

/** The name a definition waits for (as deploy resolved it), or null for a timer or a condition. */
function nameOf(event: EventDefinition, now: Date): string | null {
  if (event.kind === 'message') return staticValue(event.messageName, now);
  if (event.kind === 'signal') return staticValue(event.signalName, now);
  return null;
}

interface TriggerRow {
  seq: string | number;
  definition_index: number;
  kind: string;
  name: string | null;
  correlation_key: string | null;
  variables: unknown;
  arrived_at: Date | string;
}

/**
 * Records `trigger` in its gathering; when it completes the open gathering, starts the instance
 * (in the caller's transaction) and returns its id, else null.
 */
export async function gatherStartTrigger(
  cx: TxContext,
  starter: GatheringStarter,
  trigger: ArrivingTrigger,
  depth = 0,
): Promise<{ readonly instanceId: string | null }> {
  const model = await starter.models.get(trigger.definitionId, cx.trx);
  const definitions = parallelStartDefinitions(model, trigger.elementId);
  if (!definitions) throw new Error(`'${trigger.elementId}' is no parallel multiple start event`);
  const byKey = gathersByKey(definitions);
  const correlationKey = trigger.correlationKey ?? null;
  if (byKey && trigger.kind === 'message' && correlationKey === null)
    throw new InvalidArgumentError(
      `The message '${trigger.name}' needs a correlation key: the start event '${trigger.elementId}' gathers its messages by key`,
    );
  const gatheringKey = byKey ? (correlationKey ?? '') : '';
  const matching = definitions
    .map((event, index) => ({ event, index }))
    .filter(({ event, index }) =>
      trigger.kind === 'timer' || trigger.kind === 'conditional'
        ? event.kind === trigger.kind && (trigger.definition === undefined || trigger.definition === index)
        : event.kind === trigger.kind && nameOf(event, cx.now) === trigger.name,
    )
    .map(({ index }) => index);
  if (matching.length === 0) return { instanceId: null };
  const where = {
    definition_id: trigger.definitionId,
    element_id: trigger.elementId,
    gathering_key: gatheringKey,
  };
  // The lock: a new gathering row, or the open one with its sequence bumped, held to commit.
  const locked = await cx.trx
    .insertInto('start_gatherings')
    .values({ ...where, next_seq: 1, opened_at: cx.now })
    .onConflict((oc) =>
      oc
        .columns(['definition_id', 'element_id', 'gathering_key'])
        .doUpdateSet({ next_seq: sql`start_gatherings.next_seq + 1` }),
    )
    .returning('next_seq')
    .executeTakeFirstOrThrow();
  const seq = Number(locked.next_seq);
  const earlier = await triggersOf(cx.trx, where);
  const counts = (index: number) => earlier.filter((row) => row.definition_index === index).length;
  // First come, first served: the definition that has happened least often takes it.
  const definition = matching.reduce((best, index) => (counts(index) < counts(best) ? index : best));
  // A full gathering still takes what its open gathering misses; only another repeat is refused.
  if (earlier.length >= MAX_WAITING_TRIGGERS && counts(definition) > 0)
    throw new StartGatheringFullError(trigger.elementId, MAX_WAITING_TRIGGERS);
  const row: TriggerRow = {
    seq,
    definition_index: definition,
    kind: trigger.kind,
    name: trigger.name,
    correlation_key: correlationKey,
    variables: trigger.variables,
    arrived_at: cx.now,
  };
  await cx.trx
    .insertInto('start_gathering_triggers')
    .values({
      ...where,
      seq,
      definition_index: definition,
      kind: trigger.kind,
      name: trigger.name,
      correlation_key: correlationKey,
      variables: JSON.stringify(trigger.variables),
      arrived_at: cx.now,
    })
    .execute();
  const all = [...earlier, row];
  const open = openTriggers(all);
  if (open.length < definitions.length) return { instanceId: null };
  // Every definition happened: the open gathering starts the instance and closes.
  const seqs = open.map((entry) => Number(entry.seq));
  await cx.trx
    .deleteFrom('start_gathering_triggers')
    .where('definition_id', '=', where.definition_id)
    .where('element_id', '=', where.element_id)
    .where('gathering_key', '=', where.gathering_key)
    .where('seq', 'in', seqs)
    .execute();
  const rest = all.filter((entry) => !seqs.includes(Number(entry.seq)));
  const first = rest[0];
  if (first === undefined)
    await cx.trx
      .deleteFrom('start_gatherings')
      .where('definition_id', '=', where.definition_id)
      .where('element_id', '=', where.element_id)
      .where('gathering_key', '=', where.gathering_key)
      .execute();
  else
    await cx.trx
      .updateTable('start_gatherings')
      .set({ opened_at: first.arrived_at })
      .where('definition_id', '=', where.definition_id)
      .where('element_id', '=', where.element_id)
      .where('gathering_key', '=', where.gathering_key)
      .execute();
  const variables: Variables = Object.assign({}, ...open.map((entry) => variablesOf(entry.variables)));
  const businessKey = byKey
    ? gatheringKey
    : (open.find((entry) => entry.kind === 'message' && entry.correlation_key !== null)?.correlation_key ??
      null);
  const instance = await starter.start(
    cx,
    {
      definitionId: trigger.definitionId,
      startEventId: trigger.elementId,
      variables,
      businessKey,
      gathered: open.map(gatheredOf),
    },
    depth,
  );
  // A date or duration timer counts once per gathering: armed again for the next one.
  for (const [index, event] of definitions.entries())
    if (event.kind === 'timer' && event.timer.type !== 'cycle')
      await insertStartTrigger(cx, trigger.definitionId, model, trigger.elementId, event, index);
  return { instanceId: instance.id };
}

/** The open gathering: the first trigger of each definition, in arrival order. */
function openTriggers<T extends Pick<TriggerRow, 'seq' | 'definition_index'>>(rows: readonly T[]): T[] {
  const seen = new Set<number>();
  const open: T[] = [];
  for (const row of [...rows].sort((a, b) => Number(a.seq) - Number(b.seq))) {
    if (seen.has(row.definition_index)) continue;
    seen.add(row.definition_index);
    open.push(row);
  }
  return open;
}

function triggersOf(
  db: Kysely<DB>,
  where: { definition_id: string; element_id: string; gathering_key: string },
): Promise<TriggerRow[]> {
  return db
    .selectFrom('start_gathering_triggers')
    .select(['seq', 'definition_index', 'kind', 'name', 'correlation_key', 'variables', 'arrived_at'])
    .where('definition_id', '=', where.definition_id)
    .where('element_id', '=', where.element_id)
    .where('gathering_key', '=', where.gathering_key)
    .orderBy('seq')
    .execute();
}

function variablesOf(value: unknown): Variables {
  const parsed = typeof value === 'string' ? JSON.parse(value) : value;
  return parsed !== null && typeof parsed === 'object' ? (parsed as Variables) : {};
}

function gatheredOf(row: Omit<TriggerRow, 'variables'>): GatheredTrigger {
  return {
    kind: row.kind as GatheredTrigger['kind'],
    definition: row.definition_index,
    name: row.name,
    correlationKey: row.correlation_key,
    arrivedAt: new Date(row.arrived_at).toISOString(),
  };
}

/** The open gatherings of every version of `processId`; DefinitionNotFoundError for an unknown process. */
export async function listStartGatherings(
  db: Kysely<DB>,
  models: ModelCache,
  processId: string,
  now: Date,
): Promise<StartGathering[]> {
  const known = await db
    .selectFrom('definitions')
    .select('id')
    .where('process_id', '=', processId)
    .limit(1)
    .executeTakeFirst();
  if (!known) throw new DefinitionNotFoundError(processId);
  const gatherings = await db
    .selectFrom('start_gatherings as g')
    .innerJoin('definitions as d', 'd.id', 'g.definition_id')
    .select(['g.definition_id', 'g.element_id', 'g.gathering_key', 'g.opened_at', 'd.version'])
    .where('d.process_id', '=', processId)
    .orderBy('d.version')
    .orderBy('g.element_id')
    .orderBy('g.gathering_key')
    .execute();
  const all = await db
    .selectFrom('start_gathering_triggers as t')
    .innerJoin('definitions as d', 'd.id', 't.definition_id')
    .select([
      't.definition_id',
      't.element_id',
      't.gathering_key',
      't.seq',
      't.definition_index',
      't.kind',
      't.name',
      't.correlation_key',
      't.arrived_at',
    ])
    .where('d.process_id', '=', processId)
    .orderBy('t.seq')
    .execute();
  const keyOf = (row: { definition_id: string; element_id: string; gathering_key: string }) =>
    `${row.definition_id}\u0000${row.element_id}\u0000${row.gathering_key}`;
  // The listing shows no payloads: they are not read.
  const byGathering = new Map<string, Omit<TriggerRow, 'variables'>[]>();
  for (const row of all) {
    const list = byGathering.get(keyOf(row));
    if (list) list.push(row);
    else byGathering.set(keyOf(row), [row]);
  }
  const result: StartGathering[] = [];
  for (const gathering of gatherings) {
    const rows = byGathering.get(keyOf(gathering)) ?? [];
    if (rows.length === 0) continue;
    const model = await models.get(gathering.definition_id, db);
    const definitions = parallelStartDefinitions(model, gathering.element_id) ?? [];
    const open = openTriggers(rows);
    result.push({
      processId,
      definitionId: gathering.definition_id,
      version: gathering.version,
      startEventId: gathering.element_id,
      correlationKey: gathersByKey(definitions) ? gathering.gathering_key : null,
      openedAt: new Date(gathering.opened_at).toISOString(),
      triggers: open.map(gatheredOf),
      missing: definitions.flatMap((event, definition) =>
        open.some((row) => row.definition_index === definition) ||
        (event.kind !== 'message' &&
          event.kind !== 'signal' &&
          event.kind !== 'timer' &&
          event.kind !== 'conditional')
          ? []
          : [{ definition, kind: event.kind, name: nameOf(event, now) }],
      ),
      queued: rows.length - open.length,
    });
  }
  return result;
}
