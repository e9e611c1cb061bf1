import type { Kysely } from 'kysely';
import type { CommandRunner } from './command-runner.js';
import { ForbiddenError, InvalidArgumentError } from './errors.js';
import { type Identity, policy } from './identity.js';
import type { StartCheck } from './job-variables.js';
import type { EventElement } from './model/types.js';
import { readProcessAccess } from './persistence/access.js';
import type { DB } from './persistence/schema.js';
import { evaluateStartConditions } from './runtime/commands/conditions.js';
import type { Variables } from './runtime/types.js';
import { gatherStartTrigger } from './start-gathering.js';
import type { TxContext } from './transaction.js';

/** `evaluateConditions`: which processes a set of variables started, and which it could not. */
export interface ConditionEvaluation {
  /**
   * Every instance this evaluation started: one per process whose conditional start (or a
   * condition of a multiple start) holds, at the first such start event by model order; and one
   * per gathering of a parallel multiple start event that a holding condition completed.
   */
  readonly started: readonly {
    readonly processId: string;
    readonly startEventId: string;
    readonly instanceId: string;
  }[];
  /**
   * Parallel multiple start events whose conditions held: each such condition was recorded as one
   * trigger of the event's gathering (a condition already recorded in the open gathering waits for
   * the next one). `instanceId`: the instance the gathering started, when a condition was its last
   * missing trigger; else null (`engine.listStartGatherings`).
   */
  readonly gathered: readonly {
    readonly processId: string;
    readonly startEventId: string;
    readonly instanceId: string | null;
  }[];
  /** Processes whose condition holds but which the caller may not start. */
  readonly notAllowed: readonly string[];
  /** Conditions that failed to evaluate (or gave neither a boolean nor null): nothing started or gathered there. */
  readonly failed: readonly {
    readonly processId: string;
    readonly elementId: string;
    readonly message: string;
  }[];
}

/**
 * A start event whose condition holds in a process the caller may start: it starts an instance, or,
 * a parallel multiple start event, gathers the conditional `definitions` that hold.
 */
interface Holding {
  readonly processId: string;
  readonly definitionId: string;
  readonly startEventId: string;
  readonly formId: string | null;
  readonly gather?: readonly number[];
}

/**
 * Which processes' conditional starts hold for the variables, and which of them the identity may
 * start (reading through `db`: the transaction, or the store before it). Naming one process the
 * caller may not start is refused outright; across processes the refusals are reported.
 */
async function decide(
  db: Kysely<DB>,
  runner: CommandRunner,
  request: ConditionRequest,
  identity: Identity,
  now: Date,
): Promise<{ holding: Holding[]; notAllowed: string[]; failed: ConditionEvaluation['failed'][number][] }> {
  let query = db
    .selectFrom('start_subscriptions')
    .select(['definition_id', 'process_id'])
    .where('kind', '=', 'conditional');
  if (request.processId !== undefined) query = query.where('process_id', '=', request.processId);
  const rows = await query.orderBy('process_id').orderBy('definition_id').execute();
  if (request.processId !== undefined && rows.length === 0)
    throw new InvalidArgumentError(`Process '${request.processId}' has no conditional start event`);
  const definitions = new Map(rows.map((row) => [row.process_id, row.definition_id]));
  const holding: Holding[] = [];
  const notAllowed: string[] = [];
  const failed: ConditionEvaluation['failed'][number][] = [];
  for (const [processId, definitionId] of definitions) {
    const model = await runner.models.get(definitionId, db);
    const result = evaluateStartConditions(model, request.variables, now);
    for (const failure of result.failed) failed.push({ processId, ...failure });
    const startEventId = result.holding[0];
    // Each parallel multiple start event whose conditions hold gathers them; the other start
    // events start one instance per process, at the first that holds.
    const starts = [
      ...(startEventId === undefined ? [] : [{ startEventId }]),
      ...result.gathering.map((entry) => ({ startEventId: entry.elementId, gather: entry.definitions })),
    ];
    if (starts.length === 0) continue;
    if (!policy.mayStart(identity, await readProcessAccess(db, processId))) {
      if (request.processId !== undefined)
        throw new ForbiddenError(
          `You may not start the process '${processId}'`,
          identity.kind === 'user' ? identity.id : null,
        );
      notAllowed.push(processId);
      continue;
    }
    for (const start of starts) {
      const formId = (model.elements[start.startEventId] as EventElement).formId ?? null;
      holding.push({ processId, definitionId, formId, ...start });
    }
  }
  return { holding, notAllowed, failed };
}

export interface ConditionRequest {
  readonly variables: Variables;
  readonly processId?: string;
}

/**
 * Runs the caller's start-form check for every process the variables would start, before the
 * transaction: the check may read the database, which a one-connection store cannot serve while
 * a transaction holds it. Returns what was checked (definition and start event), for
 * `evaluateConditionalStarts` to start only those.
 */
export async function checkConditionalStarts(
  db: Kysely<DB>,
  runner: CommandRunner,
  request: ConditionRequest,
  identity: Identity,
  now: Date,
  check: StartCheck,
): Promise<ReadonlySet<string>> {
  const { holding } = await decide(db, runner, request, identity, now);
  const checked = new Set<string>();
  for (const start of holding) {
    await check({ processId: start.processId, formId: start.formId });
    checked.add(`${start.definitionId}\u0000${start.startEventId}`);
  }
  return checked;
}

/**
 * Evaluates the conditional start events of the latest version of every process (or of one),
 * as Camunda 7's condition evaluation does, inside the caller's transaction: each process whose
 * condition holds gets one instance started with `variables`, if the policy lets the identity
 * start it. A condition of a multiple start event counts as that start's (any one definition
 * starts it); each condition of a parallel multiple start event that holds is one trigger of its
 * gathering, recorded with `variables` (start-gathering.ts), which starts the instance when it
 * was the last one missing. With `checked` (the start forms checked before the transaction), a
 * start that was not checked (a version deployed in between) is reported as failed rather than
 * started unchecked.
 */
export async function evaluateConditionalStarts(
  cx: TxContext,
  runner: CommandRunner,
  request: ConditionRequest,
  identity: Identity,
  checked?: ReadonlySet<string>,
): Promise<ConditionEvaluation> {
  const { holding, notAllowed, failed } = await decide(cx.trx, runner, request, identity, cx.now);
  const started: { processId: string; startEventId: string; instanceId: string }[] = [];
  const gathered: { processId: string; startEventId: string; instanceId: string | null }[] = [];
  for (const start of holding) {
    if (checked && !checked.has(`${start.definitionId}\u0000${start.startEventId}`)) {
      failed.push({
        processId: start.processId,
        elementId: start.startEventId,
        message: 'a new version was deployed while the variables were checked; evaluate again',
      });
      continue;
    }
    if (start.gather) {
      // Each holding condition is one trigger; two of one event may both be recorded, and the
      // first may complete the gathering (the second then waits for the next one).
      let instanceId: string | null = null;
      for (const definition of start.gather) {
        const result = await gatherStartTrigger(cx, runner, {
          definitionId: start.definitionId,
          elementId: start.startEventId,
          kind: 'conditional',
          name: null,
          definition,
          variables: request.variables,
        });
        if (result.instanceId === null) continue;
        instanceId ??= result.instanceId;
        started.push({
          processId: start.processId,
          startEventId: start.startEventId,
          instanceId: result.instanceId,
        });
      }
      gathered.push({ processId: start.processId, startEventId: start.startEventId, instanceId });
      continue;
    }
    const row = await runner.start(cx, {
      definitionId: start.definitionId,
      startEventId: start.startEventId,
      variables: request.variables,
    });
    started.push({ processId: start.processId, startEventId: start.startEventId, instanceId: row.id });
  }
  return { started, gathered, notAllowed, failed };
}
