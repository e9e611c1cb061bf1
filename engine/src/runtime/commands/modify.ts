import { InvalidArgumentError } from '../../errors.js';
import type { Execution, LiveToken } from '../execution.js';
import { terminateToken } from '../terminate.js';
import type { Command, JsonValue } from '../types.js';
import { setLocalVariables } from '../variables.js';

/** Whether the instance has run out of tokens and waits for the process's end listeners (`flow.ts`). */
function ending(exec: Execution): boolean {
  for (const { wait } of exec.tokens.values()) {
    const listener = wait?.kind === 'listener' || wait?.kind === 'incident' ? wait.listener : undefined;
    if (listener?.process && listener.event === 'end') return true;
  }
  return false;
}

/** Elements a token cannot be started before: they only begin by an event or by arriving from several flows. */
const NOT_STARTABLE = new Set(['bpmn:BoundaryEvent', 'bpmn:StartEvent']);
const JOINS = new Set(['bpmn:ParallelGateway', 'bpmn:InclusiveGateway', 'bpmn:ComplexGateway']);

/**
 * `instance.modify` (as Camunda's process instance modification): terminates every active instance
 * of the `cancel` elements, then starts a token before each `startBefore` element, in its flow
 * scope (the process, or the one active instance of its sub-process). Refused, changing nothing,
 * when an element is unknown or not active, cannot be started before, has no single scope to start
 * in, or when the instance (or a sub-process) would be left with nothing active.
 */
export function modifyInstance(
  exec: Execution,
  command: Extract<Command, { type: 'instance.modify' }>,
): void {
  const model = exec.index.model;
  const refuse = (message: string) => new InvalidArgumentError(message);
  if (command.cancel.length === 0 && command.startBefore.length === 0)
    throw refuse('Name at least one element to cancel or to start before');
  if (ending(exec))
    throw refuse(
      'The instance is completing (its end listeners run): it cannot be modified; cancel it instead',
    );

  for (const elementId of command.cancel) {
    const found = [...exec.tokens.values()].filter(
      (token) => token.elementId === elementId && !isIteration(exec, token),
    );
    if (found.length === 0) throw refuse(`'${elementId}' is not active in this instance`);
    for (const token of found) if (exec.token(token.id)) terminateToken(exec, token.id);
  }

  for (const start of command.startBefore) {
    const element = model.elements[start.elementId];
    if (!element) throw refuse(`The process has no element '${start.elementId}'`);
    if (NOT_STARTABLE.has(element.kind))
      throw refuse(`A token cannot be started before ${describe(element)}`);
    if (JOINS.has(element.kind) && element.incoming.length > 1)
      throw refuse(`A token cannot be started before ${describe(element)}: it joins several flows`);
    const scopeId = scopeFor(exec, element.parentId, model.id);
    if (scopeId === undefined)
      throw refuse(
        `${describe(element)} is inside '${element.parentId}', which has no single active instance`,
      );
    if (start.variables && Object.keys(start.variables).length > 0)
      setLocalVariables(exec, scopeId, start.variables as Record<string, JsonValue>);
    exec.schedule(exec.addToken({ elementId: element.id, scopeId }));
  }

  if (exec.tokens.size === 0)
    throw refuse('This would leave the instance with nothing active; cancel the instance instead');
  for (const scope of exec.scopes.values()) {
    if (scope.ownerTokenId === undefined || exec.hasTokensIn(scope.id)) continue;
    const wait = exec.token(scope.ownerTokenId)?.wait;
    if (wait?.kind === 'scope' && wait.scopeId === scope.id)
      throw refuse(`This would leave '${scope.elementId}' with nothing active`);
  }
  exec.history('instance.modified', {
    data: {
      cancelled: [...command.cancel],
      started: command.startBefore.map((s) => s.elementId),
      ...(command.reason ? { reason: command.reason } : {}),
    },
  });
}

/** The one scope a token before an element of `parentId` starts in, or undefined. */
function scopeFor(exec: Execution, parentId: string, processId: string): string | undefined {
  if (parentId === processId) return exec.rootScope().id;
  // A sub-process's flow scope is the one its token waits on (an activity's input scope has the same element id).
  const live = [...exec.scopes.values()].filter((scope) => {
    if (scope.elementId !== parentId || scope.multiInstance !== undefined || scope.ownerTokenId === undefined)
      return false;
    const wait = exec.token(scope.ownerTokenId)?.wait;
    return wait?.kind === 'scope' && wait.scopeId === scope.id;
  });
  return live.length === 1 ? live[0]?.id : undefined;
}

/** A multi-instance iteration (the body's token stands for the element). */
function isIteration(exec: Execution, token: Readonly<LiveToken>): boolean {
  const scope = exec.scopes.get(token.scopeId);
  return scope?.multiInstance !== undefined && scope.elementId === token.elementId;
}

function describe(element: { readonly id: string; readonly name?: string; readonly kind: string }): string {
  return `${element.kind.replace('bpmn:', '')} '${element.name ?? element.id}'`;
}
