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
import type { TxContext } from './transaction.js';

/** `evaluateConditions`: which processes a set of variables started, and which it could not. */
export interface ConditionEvaluation {
  /** One instance per process whose conditional start holds (the first such start event, by model order). */
  readonly started: readonly {
    readonly processId: string;
    readonly startEventId: string;
    readonly instanceId: string;
  }[];
  /** Processes whose condition holds but which the caller may not start. */
  readonly notAllowed: readonly string[];
  /** Conditions that failed to evaluate (or gave neither a boolean nor null): nothing started there. */
  readonly failed: readonly {
    readonly processId: string;
    readonly elementId: string;
    readonly message: string;
  }[];
}

/** A process whose conditional start holds and which the caller may start. */
interface Holding {
  readonly processId: string;
  readonly definitionId: string;
  readonly startEventId: string;
  readonly formId: string | null;
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
    if (startEventId === undefined) continue;
    if (!policy.mayStart(identity, await readProcessAccess(db, processId))) {
      if (request.processId !== undefined)
        throw new ForbiddenError(
          `You may not start the process '${processId}'`,
          identity.kind === 'user' ? identity.id : null,
        );
      notAllowed.push(processId);
      continue;
    }
    const formId = (model.elements[startEventId] as EventElement).formId ?? null;
    holding.push({ processId, definitionId, startEventId, formId });
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
 * start it. With `checked` (the start forms checked before the transaction), a start that was not
 * checked (a version deployed in between) is reported as failed rather than started unchecked.
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
  for (const start of holding) {
    if (checked && !checked.has(`${start.definitionId}\u0000${start.startEventId}`)) {
      failed.push({
        processId: start.processId,
        elementId: start.startEventId,
        message: 'a new version was deployed while the variables were checked; evaluate again',
      });
      continue;
    }
    const row = await runner.start(cx, {
      definitionId: start.definitionId,
      startEventId: start.startEventId,
      variables: request.variables,
    });
    started.push({ processId: start.processId, startEventId: start.startEventId, instanceId: row.id });
  }
  return { started, notAllowed, failed };
}
