import { evaluateCondition } from '../../expressions/feel.js';
import { ExpressionError } from '../../errors.js';
import type { GatewayElement } from '../../model/types.js';
import type { Execution, LiveToken } from '../execution.js';
import { raiseIncident } from '../flow.js';
import { visibleVariables } from '../variables.js';
import type { ElementBehavior } from '../execution.js';
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
  // The tokens a join waited for may have gone elsewhere once the others settled.
  settle(exec, token, element) {
    if (element.incoming.length <= 1) return false;
    const merged = tryJoin(exec, element, token.scopeId);
    if (!merged) return false;
    try {
      fork(exec, merged, element);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      raiseIncident(exec, merged, 'expression', error.message);
    }
    return true;
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
