import type { CommandRunner } from './command-runner.js';
import { ForbiddenError, InvalidArgumentError } from './errors.js';
import { type Identity, policy } from './identity.js';
import type { StartCheck } from './job-variables.js';
import type { EventElement } from './model/types.js';
import { readProcessAccess } from './persistence/access.js';
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

/**
 * Evaluates the conditional start events of the latest version of every process (or of one),
 * as Camunda 7's condition evaluation does, inside the caller's transaction: each process whose
 * condition holds gets one instance started with `variables`, if the policy lets the identity
 * start it (and its start form accepts the variables: `check`). Naming one process the caller may
 * not start is refused outright; across processes the refusals are reported.
 */
export async function evaluateConditionalStarts(
  cx: TxContext,
  runner: CommandRunner,
  request: { readonly variables: Variables; readonly processId?: string },
  identity: Identity,
  check: (processId: string, formId: string | null) => Promise<void>,
): Promise<ConditionEvaluation> {
  let query = cx.trx
    .selectFrom('start_subscriptions')
    .select(['definition_id', 'process_id'])
    .where('kind', '=', 'conditional');
  if (request.processId !== undefined) query = query.where('process_id', '=', request.processId);
  const rows = await query.orderBy('process_id').orderBy('definition_id').execute();
  if (request.processId !== undefined && rows.length === 0)
    throw new InvalidArgumentError(`Process '${request.processId}' has no conditional start event`);
  const definitions = new Map(rows.map((row) => [row.process_id, row.definition_id]));
  const started: { processId: string; startEventId: string; instanceId: string }[] = [];
  const notAllowed: string[] = [];
  const failed: { processId: string; elementId: string; message: string }[] = [];
  for (const [processId, definitionId] of definitions) {
    const model = await runner.models.get(definitionId, cx.trx);
    const result = evaluateStartConditions(model, request.variables, cx.now);
    for (const failure of result.failed) failed.push({ processId, ...failure });
    const startEventId = result.holding[0];
    if (startEventId === undefined) continue;
    if (!policy.mayStart(identity, await readProcessAccess(cx.trx, processId))) {
      if (request.processId !== undefined)
        throw new ForbiddenError(
          `You may not start the process '${processId}'`,
          identity.kind === 'user' ? identity.id : null,
        );
      notAllowed.push(processId);
      continue;
    }
    await check(processId, (model.elements[startEventId] as EventElement).formId ?? null);
    const row = await runner.start(cx, { definitionId, startEventId, variables: request.variables });
    started.push({ processId, startEventId, instanceId: row.id });
  }
  return { started, notAllowed, failed };
}

/** Runs the caller's start-form check at most once per process, across retries of the transaction. */
export function checkPerProcess(
  check: StartCheck | undefined,
): (processId: string, formId: string | null) => Promise<void> {
  const done = new Set<string>();
  return async (processId, formId) => {
    if (!check || done.has(processId)) return;
    done.add(processId);
    await check({ processId, formId });
  };
}
