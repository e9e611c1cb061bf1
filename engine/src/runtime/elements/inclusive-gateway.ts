import { evaluateCondition } from '../../expressions/feel.js';
import { ExpressionError } from '../../errors.js';
import type { GatewayElement } from '../../model/types.js';
import type { Execution, LiveToken } from '../execution.js';
import { raiseIncident } from '../flow.js';
import { visibleVariables } from '../variables.js';
import type { ElementBehavior } from './behavior.js';
import { joinArrivals, mergeJoin, passGateway } from './gateway.js';

/**
 * Inclusive gateway. Fork: every flow whose condition holds (the default when none does). Join:
 * waits only for tokens that can still arrive, i.e. while some other token of the same scope can
 * reach an incoming flow that has not delivered yet (reachability over the model graph).
 */
export const inclusiveGateway: ElementBehavior<GatewayElement> = {
  enter(exec, token, element) {
    if (element.incoming.length <= 1) {
      fork(exec, token, element);
      return;
    }
    token.wait = { kind: 'join' };
    const merged = tryJoin(exec, element, token.scopeId, token.id);
    if (merged) fork(exec, merged, element);
  },
};

function fork(exec: Execution, token: LiveToken, element: GatewayElement): void {
  const variables = visibleVariables(exec, token.scopeId);
  const chosen = element.outgoing.filter((flowId) => {
    if (flowId === element.defaultFlowId) return false;
    const condition = exec.index.flow(flowId).condition;
    return !condition || evaluateCondition(condition, variables, { now: exec.now });
  });
  if (chosen.length === 0 && element.defaultFlowId) chosen.push(element.defaultFlowId);
  if (chosen.length === 0) {
    raiseIncident(
      exec,
      token,
      'condition',
      `No condition of inclusive gateway '${element.id}' holds and there is no default flow`,
    );
    return;
  }
  passGateway(exec, token, element, chosen);
}

function tryJoin(
  exec: Execution,
  element: GatewayElement,
  scopeId: string,
  preferredId?: string,
): LiveToken | undefined {
  const arrivals = joinArrivals(exec, element, scopeId);
  if (arrivals.size === 0) return undefined;
  const missing = element.incoming.filter((flowId) => !arrivals.has(flowId));
  if (missing.length > 0) {
    for (const other of exec.tokensIn(scopeId)) {
      if (other.elementId === element.id && other.wait?.kind === 'join') continue;
      const reachable = exec.index.reachableFlows(other.elementId);
      if (missing.some((flowId) => reachable.has(flowId))) return undefined;
    }
  }
  return mergeJoin(exec, arrivals.values(), preferredId);
}

/**
 * After the moving tokens settle, a waiting inclusive join may have become ready because the
 * tokens it waited for went elsewhere. Returns whether one fired (the caller drains again).
 */
export function reevaluateInclusiveJoins(exec: Execution): boolean {
  const checked = new Set<string>();
  for (const token of exec.tokens.values()) {
    if (token.wait?.kind !== 'join') continue;
    const key = `${token.elementId}\u0000${token.scopeId}`;
    if (checked.has(key)) continue;
    checked.add(key);
    const element = exec.element(token.elementId);
    if (element.kind !== 'bpmn:InclusiveGateway' || element.incoming.length <= 1) continue;
    const gateway = element as GatewayElement;
    const merged = tryJoin(exec, gateway, token.scopeId);
    if (!merged) continue;
    try {
      fork(exec, merged, gateway);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      raiseIncident(exec, merged, 'expression', error.message);
    }
    return true;
  }
  return false;
}
