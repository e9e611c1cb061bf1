import type { ActivityElement, Element } from '../model/types.js';
import type { Execution, LiveToken } from './execution.js';
import { isActivity } from './model-index.js';
import type { CompensationRecord, Variables } from './types.js';

/**
 * Compensation as Camunda 8 runs it. When an activity with a compensation handler completes, a
 * record remembers that completion (once per completion: a multi-instance activity leaves one per
 * completed iteration); an embedded subprocess leaves one when activities inside it left theirs.
 * A compensation throw takes the records of its scope (all, or those of `activityRef`), with the
 * records inside the completed subprocesses among them, and starts every handler at once, each in
 * a compensation scope owned by the throwing token, which waits until the scope is empty. Taken
 * records are removed, so each completion is compensated once; active or terminated activities
 * never left a record.
 */

/**
 * Called as an activity (or one multi-instance iteration) completes, before its own scope closes.
 * `iteration`: the token is an iteration of a multi-instance body.
 */
export function recordCompletion(
  exec: Execution,
  token: Readonly<LiveToken>,
  element: Element,
  iteration: boolean,
): void {
  if (!isActivity(element) || element.isForCompensation || element.triggeredByEvent) return;
  if (!iteration && element.loop?.kind === 'multiInstance') return; // its iterations left theirs
  const owned = exec.ownedScope(token.id);
  const innerScopeId =
    element.kind === 'bpmn:SubProcess' &&
    owned &&
    (compensationStartOf(exec, element.id) !== undefined ||
      exec.compensations.some((r) => r.scopeId === owned.id))
      ? owned.id
      : undefined;
  if (!element.compensationHandlerId && !innerScopeId) return;
  // An iteration completes in its body; the record belongs to the scope around the activity.
  const scopeId = iteration
    ? (exec.scopes.get(token.scopeId)?.parentScopeId ?? token.scopeId)
    : token.scopeId;
  const variables = iteration ? iterationVariables(exec, token, owned?.id) : undefined;
  const record: CompensationRecord = {
    id: exec.newId(),
    elementId: element.id,
    scopeId,
    ...(innerScopeId ? { innerScopeId } : {}),
    ...(innerScopeId && owned && Object.keys(owned.variables).length > 0
      ? { variables: owned.variables }
      : {}),
    ...(variables && !innerScopeId ? { variables } : {}),
  };
  exec.compensations = [...pruned(exec), record];
}

/** An iteration's local variables (input element, loopCounter), which its handler sees. */
function iterationVariables(
  exec: Execution,
  token: Readonly<LiveToken>,
  ownedId: string | undefined,
): Variables | undefined {
  const scope = ownedId ? exec.scopes.get(ownedId) : undefined;
  const variables: Variables = { ...(scope?.variables ?? {}) };
  if (token.loopCounter !== undefined) variables['loopCounter'] = token.loopCounter;
  return Object.keys(variables).length > 0 ? variables : undefined;
}

/**
 * Drops records no throw can reach any more: those of a subprocess that was interrupted (its scope
 * is gone and no completed subprocess record points at it).
 */
function pruned(exec: Execution): readonly CompensationRecord[] {
  const inner = new Set(exec.compensations.flatMap((r) => (r.innerScopeId ? [r.innerScopeId] : [])));
  return exec.compensations.filter((r) => exec.scopes.has(r.scopeId) || inner.has(r.scopeId));
}

/**
 * One handler to start: the completion it compensates, its handler (an activity, or the
 * compensation event subprocess of a completed subprocess: `startEventId`), and the variables it sees.
 */
interface Invocation {
  readonly record: CompensationRecord;
  readonly handlerId: string;
  readonly startEventId?: string;
  readonly variables?: Variables;
}

/** The compensation start event of a subprocess's compensation event subprocess, if it has one. */
export function compensationStartOf(exec: Execution, subprocessId: string): string | undefined {
  const model = exec.index.model;
  for (const espId of model.scopes[subprocessId]?.eventSubProcessIds ?? []) {
    const startId = model.scopes[espId]?.startEventIds.find((id) => {
      const start = model.elements[id];
      return start !== undefined && 'event' in start && start.event.kind === 'compensate';
    });
    if (startId) return startId;
  }
  return undefined;
}

/**
 * Takes (removes) the records a throw in flow scope `scopeId` compensates: every completion there,
 * or only `activityRef`'s, and through each completed subprocess the completions inside it (whose
 * handlers see that subprocess's variables).
 */
function takeRecords(exec: Execution, scopeId: string, activityRef?: string): Invocation[] {
  const invocations: Invocation[] = [];
  const used = new Set<string>();
  const visit = (records: readonly CompensationRecord[], inherited: Variables | undefined): void => {
    for (const record of records) {
      used.add(record.id);
      // A record of an element the model no longer has (an instance migrated away from it) compensates nothing.
      if (!(record.elementId in exec.index.model.elements)) continue;
      const variables =
        inherited || record.variables ? { ...(inherited ?? {}), ...(record.variables ?? {}) } : undefined;
      const element = exec.element(record.elementId) as ActivityElement;
      if (element.compensationHandlerId) {
        const own = record.innerScopeId ? inherited : variables;
        invocations.push({
          record,
          handlerId: element.compensationHandlerId,
          ...(own ? { variables: own } : {}),
        });
      }
      const innerId = record.innerScopeId;
      if (!innerId) continue;
      const startEventId = compensationStartOf(exec, record.elementId);
      // A compensation event subprocess replaces the default: the records inside stay for a
      // compensation throw inside it (see `compensatedScopeId`).
      if (startEventId) {
        const handlerId = exec.element(startEventId).parentId;
        invocations.push({ record, handlerId, startEventId, ...(variables ? { variables } : {}) });
      } else
        visit(
          exec.compensations.filter((r) => r.scopeId === innerId),
          variables,
        );
    }
  };
  visit(
    exec.compensations.filter(
      (r) => r.scopeId === scopeId && (activityRef === undefined || r.elementId === activityRef),
    ),
    undefined,
  );
  exec.compensations = exec.compensations.filter((r) => !used.has(r.id));
  return invocations;
}

/**
 * Starts the handlers for what a throw in `scopeId` compensates. The token waits in a fresh
 * compensation scope (owned by it, named after its element) that the handler tokens run in, and
 * the element's `scopeCompleted` continues once they are all done. Returns false when there was
 * nothing to compensate (the token did not wait).
 */
export function startCompensation(
  exec: Execution,
  token: LiveToken,
  scopeId: string,
  activityRef?: string,
): boolean {
  const invocations = takeRecords(exec, scopeId, activityRef);
  if (invocations.length === 0) return false;
  const compensationScopeId = exec.newId();
  exec.putScope({
    id: compensationScopeId,
    elementId: token.elementId,
    parentScopeId: token.scopeId,
    ownerTokenId: token.id,
    variables: {},
  });
  token.wait = { kind: 'scope', scopeId: compensationScopeId };
  for (const { record, handlerId, startEventId, variables } of invocations) {
    const handler = exec.addToken({ elementId: handlerId, scopeId: compensationScopeId });
    if (startEventId && record.innerScopeId) {
      startCompensationSubprocess(exec, handler, record, startEventId, token.elementId, variables);
      continue;
    }
    exec.history('compensation.started', {
      elementId: record.elementId,
      tokenId: handler.id,
      data: { handlerId, thrownBy: token.elementId },
    });
    const element = exec.element(handlerId) as ActivityElement;
    // The handler sees the variables of the completion it undoes (a multi-instance iteration's,
    // a completed subprocess's). A multi-instance handler opens its own body scope instead.
    if (variables && element.loop?.kind !== 'multiInstance') {
      exec.putScope({
        id: exec.newId(),
        elementId: handlerId,
        parentScopeId: compensationScopeId,
        ownerTokenId: handler.id,
        variables,
      });
    }
    exec.schedule(handler);
  }
  return true;
}

/**
 * Runs a compensation event subprocess for a completed subprocess: its scope comes back under the
 * id it had (the records of its inner activities name it) with its variables, and the event
 * subprocess runs in it; the handler token completes when the event subprocess does.
 */
function startCompensationSubprocess(
  exec: Execution,
  handler: LiveToken,
  record: CompensationRecord,
  startEventId: string,
  thrownBy: string,
  variables: Variables | undefined,
): void {
  exec.history('compensation.started', {
    elementId: record.elementId,
    tokenId: handler.id,
    data: { handlerId: handler.elementId, thrownBy },
  });
  const scopeId = record.innerScopeId as string;
  exec.putScope({
    id: scopeId,
    elementId: handler.elementId,
    parentScopeId: handler.scopeId,
    ownerTokenId: handler.id,
    variables: variables ?? {},
  });
  handler.wait = { kind: 'scope', scopeId };
  exec.history('element.entered', { elementId: handler.elementId, tokenId: handler.id });
  exec.schedule(exec.addToken({ elementId: startEventId, scopeId }));
}

/** Whether a scope is the compensation scope a throw token waits in. */
export function isCompensationScope(exec: Execution, token: Readonly<LiveToken>): boolean {
  if (token.wait?.kind !== 'scope') return false;
  const scope = exec.scopes.get(token.wait.scopeId);
  return scope !== undefined && scope.elementId === token.elementId && scope.ownerTokenId === token.id;
}

/** The flow scope a throw compensates: its own, or for an event subprocess the scope around it. */
export function compensatedScopeId(exec: Execution, token: Readonly<LiveToken>): string {
  const scope = exec.scopes.get(token.scopeId);
  if (!scope || scope.parentScopeId === null) return token.scopeId;
  const element = exec.index.model.elements[scope.elementId];
  if (!element || !isActivity(element) || !element.triggeredByEvent) return token.scopeId;
  // A compensation event subprocess compensates the subprocess it runs for: its scope is that one's.
  const start = exec.index.model.scopes[element.id]?.startEventIds[0];
  const startElement = start ? exec.index.model.elements[start] : undefined;
  if (startElement && 'event' in startElement && startElement.event.kind === 'compensate')
    return token.scopeId;
  return scope.parentScopeId;
}
