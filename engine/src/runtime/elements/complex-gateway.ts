import { evaluateCondition } from '../../expressions/feel.js';
import { ExpressionError } from '../../errors.js';
import type { GatewayElement } from '../../model/types.js';
import type { ElementBehavior, Execution, LiveToken } from '../execution.js';
import { consume, raiseIncident } from '../flow.js';
import type { Variables } from '../types.js';
import { visibleVariables } from '../variables.js';
import { joinArrivals, mergeJoin, passGateway } from './gateway.js';

/**
 * Complex gateway, as BPMN 2.0 (13.4.5) runs it. It is either waiting for start or waiting for
 * reset, per scope.
 * - Waiting for start: each arriving token waits; when the activation condition holds (FEEL with
 *   `activationCount` and `activationCounts`), one token per incoming flow that has one is
 *   consumed and merged, and goes on by every flow whose condition holds (the default when none
 *   does; none at all is an incident). The gateway is then waiting for reset.
 * - Waiting for reset: it waits for a token on each incoming flow it did not consume from, as
 *   long as such a token can still arrive (the inclusive join's reachability). Then it consumes
 *   those late tokens and passes them on by the conditional flows that hold (none is fine: they
 *   end there), and is waiting for start again.
 * Outgoing conditions see `waitingForStart`: true when activating, false when resetting. A
 * token keeps the reset state (`wait.resetAfter`: the flows consumed at activation).
 */
export const complexGateway: ElementBehavior<GatewayElement> = {
  enter(exec, token, element) {
    if (element.incoming.length <= 1 && !element.activationCondition) {
      fork(exec, token, element, true);
      return;
    }
    token.wait = { kind: 'join' };
    if (resetMarker(exec, element, token.scopeId)) return; // settles once nothing more can arrive
    activate(exec, element, token.scopeId, token.id);
  },
  settle(exec, token, element) {
    const marker = resetMarker(exec, element, token.scopeId);
    if (!marker) return false;
    return reset(exec, element, marker);
  },
};

/** The token holding a gateway's reset state in a scope, if it is waiting for reset. */
function resetMarker(
  exec: Execution,
  element: GatewayElement,
  scopeId: string,
): Readonly<LiveToken> | undefined {
  for (const token of exec.tokensIn(scopeId)) {
    if (token.elementId === element.id && token.wait?.kind === 'join' && token.wait.resetAfter) return token;
  }
  return undefined;
}

/** Waiting for start: activates when the condition holds over the tokens waiting now. */
function activate(exec: Execution, element: GatewayElement, scopeId: string, preferredId: string): void {
  const counts: Record<string, number> = {};
  let total = 0;
  for (const waiting of exec.tokensIn(scopeId)) {
    if (waiting.elementId !== element.id || waiting.wait?.kind !== 'join' || !waiting.arrivedBy) continue;
    counts[waiting.arrivedBy] = (counts[waiting.arrivedBy] ?? 0) + 1;
    total += 1;
  }
  if (total === 0) return;
  if (element.activationCondition) {
    const variables = {
      ...visibleVariables(exec, scopeId),
      activationCount: total,
      activationCounts: counts,
    };
    if (!evaluateCondition(element.activationCondition, variables, { now: exec.now })) return;
  }
  const arrivals = joinArrivals(exec, element, scopeId);
  const consumed = [...arrivals.keys()];
  const merged = mergeJoin(exec, arrivals.values(), preferredId);
  if (consumed.length < element.incoming.length) {
    exec.addToken({ elementId: element.id, scopeId, wait: { kind: 'join', resetAfter: consumed } });
  }
  fork(exec, merged, element, true);
}

/** Waiting for reset: once every late token that can still come has come, pass them on and start over. */
function reset(exec: Execution, element: GatewayElement, marker: Readonly<LiveToken>): boolean {
  const scopeId = marker.scopeId;
  const consumed = new Set(marker.wait?.kind === 'join' ? marker.wait.resetAfter : []);
  const late = new Map<string, string>();
  for (const [flowId, tokenId] of joinArrivals(exec, element, scopeId))
    if (!consumed.has(flowId)) late.set(flowId, tokenId);
  const missing = element.incoming.filter((flowId) => !consumed.has(flowId) && !late.has(flowId));
  if (missing.length > 0) {
    for (const other of exec.tokensIn(scopeId)) {
      if (other.elementId === element.id && other.wait?.kind === 'join') continue;
      const reachable = exec.index.reachableFlows(other.elementId);
      if (missing.some((flowId) => reachable.has(flowId))) return false;
    }
  }
  exec.removeToken(marker.id);
  if (late.size > 0) {
    const merged = mergeJoin(exec, late.values());
    try {
      fork(exec, merged, element, false);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      raiseIncident(exec, merged, 'expression', error.message);
    }
  }
  // Tokens that came on flows consumed at activation waited for the next start.
  const next = joinArrivals(exec, element, scopeId).values().next().value;
  if (next === undefined) {
    if (late.size === 0) consume(exec, { ...marker, wait: undefined });
    return true;
  }
  try {
    activate(exec, element, scopeId, next);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    const still = exec.token(next);
    if (still) raiseIncident(exec, exec.edit(still.id), 'expression', error.message);
  }
  return true;
}

/**
 * Passes a token on: every flow whose condition holds (unconditional flows too, when activating);
 * when activating and none holds, the default flow, else an incident. When resetting, no flow
 * taken just ends the late token.
 */
function fork(exec: Execution, token: LiveToken, element: GatewayElement, waitingForStart: boolean): void {
  const variables: Variables = { ...visibleVariables(exec, token.scopeId), waitingForStart };
  const chosen = element.outgoing.filter((flowId) => {
    if (flowId === element.defaultFlowId) return false;
    const condition = exec.index.flow(flowId).condition;
    if (!condition) return waitingForStart;
    return evaluateCondition(condition, variables, { now: exec.now });
  });
  if (chosen.length === 0 && waitingForStart && element.defaultFlowId) chosen.push(element.defaultFlowId);
  if (chosen.length > 0) {
    passGateway(exec, token, element, chosen);
    return;
  }
  if (!waitingForStart) {
    exec.history('element.completed', { elementId: element.id, tokenId: token.id });
    consume(exec, token);
    return;
  }
  raiseIncident(
    exec,
    token,
    'condition',
    `No condition of complex gateway '${element.id}' holds and there is no default flow`,
  );
}
