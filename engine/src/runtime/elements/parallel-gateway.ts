import type { GatewayElement } from '../../model/types.js';
import type { ElementBehavior } from '../execution.js';
import { joinArrivals, mergeJoin, passGateway } from './gateway.js';

/** Parallel gateway: a join waits for one token per incoming flow; then all outgoing flows are taken. */
export const parallelGateway: ElementBehavior<GatewayElement> = {
  enter(exec, token, element) {
    if (element.incoming.length <= 1) {
      passGateway(exec, token, element, element.outgoing);
      return;
    }
    token.wait = { kind: 'join' };
    const arrivals = joinArrivals(exec, element, token.scopeId);
    if (element.incoming.some((flowId) => !arrivals.has(flowId))) return;
    const merged = mergeJoin(exec, arrivals.values(), token.id);
    passGateway(exec, merged, element, element.outgoing);
  },
};
