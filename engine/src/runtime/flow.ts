import { evaluateCondition } from '../expressions/feel.js';
import { ExpressionError } from '../errors.js';
import type { Element } from '../model/types.js';
import { recordCompletion } from './compensation.js';
import type { Execution, LiveToken } from './execution.js';
import { raiseIncident } from './incidents.js';
import { runListener } from './listeners.js';
import { closeListeners, closeScope } from './terminate.js';
import { cancelTrigger } from './triggers.js';
import type { Effect, PendingListener, Variables } from './types.js';
import { visibleVariables } from './variables.js';

// Incidents have their own module (listeners raise them too, and this one runs listeners).
export { raiseIncident };

/**
 * How tokens move: the step loop, sequence flows, token consumption and scope completion.
 * Moving tokens are processed from a queue (never by recursion along the flow), so a long chain of
 * pass-through elements costs no stack. Elements are reached only through the behavior registry
 * the step handed to `Execution`: nothing here imports a behavior.
 */

/** Runs every moving token until all wait; then lets waiting joins that may now go on settle. */
export function drain(exec: Execution): void {
  do {
    for (let id = exec.nextMoving(); id !== undefined; id = exec.nextMoving()) {
      const token = exec.token(id);
      if (!token || token.wait) continue;
      enterElement(exec, exec.edit(id), false);
    }
  } while (exec.status === 'active' && settleJoins(exec));
}

/** Offers each waiting join (once per element and scope) to its behavior; true when one moved. */
function settleJoins(exec: Execution): boolean {
  const checked = new Set<string>();
  for (const token of exec.tokens.values()) {
    if (token.wait?.kind !== 'join') continue;
    const key = `${token.elementId}\u0000${token.scopeId}`;
    if (checked.has(key)) continue;
    checked.add(key);
    const element = exec.element(token.elementId);
    const behavior = exec.behavior(element);
    if (behavior.settle?.(exec, token, element)) return true;
  }
  return false;
}

/** Runs an element's behavior for a token that arrived (or, on incident retry, runs it again). */
export function enterElement(exec: Execution, token: LiveToken, retry: boolean): void {
  const element = exec.element(token.elementId);
  if (!retry) exec.history('element.entered', { elementId: element.id, tokenId: token.id });
  const behavior = exec.behavior(element);
  try {
    if (retry && behavior.retry) behavior.retry(exec, token, element);
    else behavior.enter(exec, token, element);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    const still = exec.token(token.id);
    if (still) raiseIncident(exec, exec.edit(still.id), 'expression', error.message);
  }
}

/** Moves a token along a sequence flow and queues it for its target. */
export function arrive(exec: Execution, token: LiveToken, flowId: string): void {
  const flow = exec.index.flow(flowId);
  exec.history('flow.taken', { elementId: flowId, tokenId: token.id });
  exec.markTaken(flowId);
  token.elementId = flow.targetId;
  token.arrivedBy = flowId;
  token.boundary = undefined;
  token.loopCounter = undefined;
  token.multipleThrow = undefined;
  token.trigger = undefined;
  exec.schedule(token);
}

/** Takes the given flows: the token follows the first, fresh tokens the others; none consumes it. */
export function takeFlows(exec: Execution, token: LiveToken, flowIds: readonly string[]): void {
  if (flowIds.length === 0) {
    consume(exec, token);
    return;
  }
  const { elementId, scopeId } = token;
  flowIds.forEach((flowId, i) => {
    const moving = i === 0 ? token : exec.addToken({ elementId, scopeId });
    arrive(exec, moving, flowId);
  });
}

/**
 * Leaves an element by its outgoing flows (BPMN's implicit split out of activities and events):
 * every flow without a condition and every flow whose condition holds gets a token; the default
 * flow only when no condition holds. When no flow is taken, the token waits in an incident, and
 * a retry evaluates the conditions again.
 */
export function leave(exec: Execution, token: LiveToken, element: Element): void {
  if (element.outgoing.length === 0) {
    consume(exec, token);
    return;
  }
  const defaultFlowId = 'defaultFlowId' in element ? element.defaultFlowId : undefined;
  const taken = new Set<string>();
  let conditionHeld = false;
  let variables: Variables | undefined;
  for (const flowId of element.outgoing) {
    if (flowId === defaultFlowId) continue;
    const condition = exec.index.flow(flowId).condition;
    if (!condition) {
      taken.add(flowId);
      continue;
    }
    variables ??= visibleVariables(exec, token.scopeId);
    try {
      if (!evaluateCondition(condition, variables, { now: exec.now })) continue;
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      raiseIncident(exec, token, 'expression', error.message, { retry: 'leave' });
      return;
    }
    taken.add(flowId);
    conditionHeld = true;
  }
  if (defaultFlowId && !conditionHeld) taken.add(defaultFlowId);
  if (taken.size === 0) {
    raiseIncident(exec, token, 'condition', `No outgoing flow of '${element.id}' has a true condition`, {
      retry: 'leave',
    });
    return;
  }
  takeFlows(
    exec,
    token,
    element.outgoing.filter((flowId) => taken.has(flowId)),
  );
}

/** Releases boundary triggers and the activity scope, records completion, and leaves. */
export function finishElement(exec: Execution, token: LiveToken, element: Element): void {
  recordCompletion(exec, token, element, false);
  releaseActivity(exec, token);
  exec.history('element.completed', { elementId: element.id, tokenId: token.id });
  exec.markCompleted(element.id);
  leave(exec, token, element);
}

/** Cancels a token's boundary triggers and closes its activity scope. */
export function releaseActivity(exec: Execution, token: LiveToken): void {
  if (token.boundary) {
    for (const entry of token.boundary) cancelTrigger(exec, entry);
    token.boundary = undefined;
  }
  const owned = exec.ownedScope(token.id);
  if (owned) closeScope(exec, owned.id);
}

/** A token's path ends here; its scope completes when it was the last one. */
export function consume(exec: Execution, token: Readonly<LiveToken>): void {
  exec.removeToken(token.id);
  completeScopeIfDone(exec, token.scopeId, token.elementId);
}

/**
 * Completes a process or subprocess scope once no token is left in it. `endedAt` is the element
 * whose token ended last: the process's end listeners wait there.
 */
export function completeScopeIfDone(exec: Execution, scopeId: string, endedAt: string): void {
  if (exec.status !== 'active') return;
  const scope = exec.scopes.get(scopeId);
  if (!scope || scope.multiInstance) return;
  const waiting = scope.ownerTokenId ? exec.token(scope.ownerTokenId) : undefined;
  if (waiting?.elementId === scope.elementId && waiting.wait?.kind === 'scope') {
    const element = exec.element(waiting.elementId);
    const flowEnded = exec.behavior(element).flowEnded;
    if (flowEnded) {
      flowEnded(exec, exec.edit(waiting.id), element);
      return;
    }
  }
  if (exec.hasTokensIn(scopeId)) return;
  if (scope.parentScopeId === null) {
    endInstance(exec, endedAt);
    return;
  }
  const owner = scope.ownerTokenId ? exec.token(scope.ownerTokenId) : undefined;
  if (!owner || owner.elementId !== scope.elementId || owner.wait?.kind !== 'scope') return;
  const element = exec.element(owner.elementId);
  const behavior = exec.behavior(element);
  if (!behavior.scopeCompleted) throw new Error(`'${element.id}' owns a scope but cannot complete one`);
  behavior.scopeCompleted(exec, exec.edit(owner.id), element);
}

/**
 * The root scope ran out of tokens. Without end listeners on the process the instance completes
 * now. With them, as in Zeebe, its event subprocesses stop listening and a token waits at the
 * element that ended last for each end listener's job in turn (`runtime/listeners.ts`); the
 * instance completes after the last one (`instanceEnded`).
 */
function endInstance(exec: Execution, endedAt: string): void {
  if ((exec.index.model.executionListeners?.end.length ?? 0) === 0) {
    completeInstance(exec);
    return;
  }
  const root = exec.rootScope();
  closeListeners(exec, root.id);
  const token = exec.addToken({ elementId: endedAt, scopeId: root.id });
  runListener(exec, token, { event: 'end', index: 0, process: true });
}

/**
 * The process's end listeners are done: their token goes, and the instance ends as it was ending,
 * completed, or terminated by the terminate end event the token waits at.
 */
export function instanceEnded(exec: Execution, token: Readonly<LiveToken>, pending: PendingListener): void {
  exec.removeToken(token.id);
  if (pending.terminate) terminateInstance(exec, token.elementId);
  else completeInstance(exec);
}

/** The root scope ran out of tokens (and the process's end listeners are done): the instance is completed. */
export function completeInstance(exec: Execution): void {
  const root = exec.rootScope();
  closeListeners(exec, root.id);
  exec.status = 'completed';
  exec.history('instance.completed');
  notifyParent(exec, {
    type: 'child.completed',
    childInstanceId: exec.ctx.instanceId,
    variables: root.variables,
  });
}

/** A terminate end event at the process level ended it (after the process's end listeners). */
export function terminateInstance(exec: Execution, elementId: string): void {
  const root = exec.rootScope();
  closeListeners(exec, root.id);
  exec.status = 'terminated';
  exec.history('instance.terminated', { elementId });
  notifyParent(exec, {
    type: 'child.completed',
    childInstanceId: exec.ctx.instanceId,
    variables: root.variables,
  });
}

/** A called child reports upwards (completion or an uncaught error/escalation). */
export function notifyParent(
  exec: Execution,
  command: Extract<Effect, { type: 'parent.notify' }>['command'],
): void {
  if (exec.parentInstanceId !== undefined) exec.emit({ type: 'parent.notify', command });
}
