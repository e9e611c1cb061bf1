import { createHash, randomUUID } from 'node:crypto';
import type { DefinitionSummary, DeployOptions, DeployResult } from './api.js';
import { DefinitionInvalidError } from './errors.js';
import { timerDue } from './expressions/timer.js';
import type { ModelCache } from './model-cache.js';
import { evaluateFeel } from './expressions/feel.js';
import type { DeployIssue, Element, EventDefinition, Expr, ProcessModel } from './model/types.js';
import { definitionFromRow } from './persistence/rows.js';
import type { TxContext } from './transaction.js';

/**
 * Deploy: version per BPMN process id. A process whose content (the file + its id) equals its
 * LATEST version is not deployed again (`isNew: false`); anything else becomes version + 1, so
 * redeploying an older file is a deliberate roll-back, not a no-op. Running instances keep the
 * version they started with.
 */
export async function saveDeployment(
  cx: TxContext,
  models: ModelCache,
  xml: string,
  processes: readonly ProcessModel[],
  options: DeployOptions,
): Promise<Omit<DeployResult, 'warnings'> & { readonly dropped: readonly DeployIssue[] }> {
  const definitions: (DefinitionSummary & { isNew: boolean })[] = [];
  const dropped: DeployIssue[] = [];
  for (const model of processes) {
    const hash = createHash('sha256').update(model.id).update('\n').update(xml).digest('hex');
    const latest = await cx.trx
      .selectFrom('definitions')
      .selectAll()
      .where('process_id', '=', model.id)
      .orderBy('version', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (latest && latest.hash === hash) {
      definitions.push({ ...definitionFromRow(latest), isNew: false });
      continue;
    }
    const row = await cx.trx
      .insertInto('definitions')
      .values({
        id: randomUUID(),
        process_id: model.id,
        version: (latest?.version ?? 0) + 1,
        name: model.name ?? null,
        hash,
        xml,
        form_ids: [...model.formIds],
        deployed_at: cx.now,
        deployed_by: options.actor ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const gatherings = await dropStartGatherings(cx, row.id, model.id);
    if (gatherings > 0)
      dropped.push({
        severity: 'warning',
        code: 'start.gatherings-dropped',
        message: `${gatherings} open gathering(s) of parallel multiple start events of earlier versions of '${model.id}' were dropped: their triggers start nothing`,
      });
    await replaceStartTriggers(cx, row.id, model);
    models.put(row.id, model);
    definitions.push({ ...definitionFromRow(row), isNew: true });
  }
  return { definitions, dropped };
}

/**
 * A new version's start events replace the old ones', so the open gatherings of parallel multiple
 * start events of earlier versions are dropped (start-gathering.ts). Returns how many had triggers.
 */
async function dropStartGatherings(cx: TxContext, definitionId: string, processId: string): Promise<number> {
  const dropped = await cx.trx
    .deleteFrom('start_gatherings')
    .where('definition_id', 'in', (qb) =>
      qb
        .selectFrom('definitions')
        .select('id')
        .where('process_id', '=', processId)
        .where('id', '<>', definitionId),
    )
    .returning(['definition_id', 'element_id', 'gathering_key'])
    .execute();
  return dropped.length;
}

/** Throws DefinitionInvalidError with every problem, or returns the compiled processes. */
export function assertValid(issues: readonly DeployIssue[]): void {
  if (issues.length > 0) throw new DefinitionInvalidError(issues);
}

/**
 * Timer, message and signal start events belong to the latest version only: the previous
 * version's timers are cancelled and its start subscriptions replaced.
 */
async function replaceStartTriggers(cx: TxContext, definitionId: string, model: ProcessModel): Promise<void> {
  await cx.trx
    .deleteFrom('jobs')
    .where('kind', '=', 'timerStart')
    .where('definition_id', 'in', (qb) =>
      qb
        .selectFrom('definitions')
        .select('id')
        .where('process_id', '=', model.id)
        .where('id', '<>', definitionId),
    )
    .execute();
  await cx.trx.deleteFrom('start_subscriptions').where('process_id', '=', model.id).execute();
  const scope = model.scopes[model.id];
  for (const elementId of [...(scope?.startEventIds ?? []), ...(scope?.messageStartIds ?? [])]) {
    const element = model.elements[elementId];
    if (!element) continue;
    const parallel = 'parallelMultiple' in element && element.parallelMultiple === true;
    for (const [index, event] of startEventsOf(element).entries())
      await insertStartTrigger(cx, definitionId, model, elementId, event, parallel ? index : undefined);
  }
}

/**
 * A timer start job, or a message / signal start subscription, for one event definition of a start.
 * `definition`: the definition's index in a parallel multiple start event, kept in the timer job's
 * headers so its firing counts for that definition (start-gathering.ts).
 */
export async function insertStartTrigger(
  cx: TxContext,
  definitionId: string,
  model: ProcessModel,
  elementId: string,
  event: EventDefinition,
  definition?: number,
): Promise<void> {
  if (event.kind === 'timer') {
    const timer = event.timer;
    const value = staticValue(timer.expr, cx.now);
    const due = timerDue(timer.type, value, cx.now);
    // A start timer computed by FEEL at deploy is checked like a static one: out of range, or
    // cycling faster than the minimum, is a deploy problem rather than a timer that never runs.
    if (typeof due === 'string') {
      if (timer.expr.feel)
        throw new DefinitionInvalidError([
          { elementId, code: 'timer.invalid', message: `timer ${timer.type}: ${due}` },
        ]);
      return;
    }
    await cx.trx
      .insertInto('jobs')
      .values({
        id: randomUUID(),
        instance_id: null,
        definition_id: definitionId,
        element_id: elementId,
        token_id: null,
        kind: 'timerStart',
        job_type: null,
        due_at: due.dueAt,
        retries: 3,
        max_retries: 3,
        variables: '{}',
        headers: definition === undefined ? '{}' : JSON.stringify({ definition }),
        cycle:
          timer.type === 'cycle' ? JSON.stringify({ expression: value, remaining: due.remaining }) : null,
        created_at: cx.now,
      })
      .execute();
  } else if (event.kind === 'message' || event.kind === 'signal' || event.kind === 'conditional') {
    // A conditional start is evaluated by `evaluateConditions` (conditional-start.ts); its row's
    // name keeps the condition's source.
    const name =
      event.kind === 'conditional'
        ? event.condition.feel
          ? event.condition.source
          : event.condition.value
        : staticValue(event.kind === 'message' ? event.messageName : event.signalName, cx.now);
    await cx.trx
      .insertInto('start_subscriptions')
      .values({
        definition_id: definitionId,
        process_id: model.id,
        element_id: elementId,
        kind: event.kind,
        name,
      })
      // Two definitions of one multiple start event naming the same message start it once.
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Start events run before any instance exists, so a FEEL value is evaluated without variables. */
export function staticValue(expr: Expr, now: Date): string {
  if (!expr.feel) return expr.value;
  const value = evaluateFeel(expr.source, {}, { now });
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * What a start trigger waits for: a start event's definition (each of a multiple start event's,
 * any one of which starts an instance), or the message of an instantiating receive task.
 */
function startEventsOf(element: Element): readonly EventDefinition[] {
  if ('event' in element)
    return 'multiple' in element && element.multiple ? element.multiple : [element.event];
  return 'message' in element && element.message ? [{ kind: 'message', ...element.message }] : [];
}
