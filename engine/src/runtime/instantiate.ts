import type { Execution } from './execution.js';
import { arrive } from './flow.js';

/**
 * An instance started by the message of an instantiating receive task, or of a catch event after
 * an instantiating event-based gateway (`ScopeModel.messageStartIds`). The message has happened:
 * the token enters that element with it already received (its variables are the start
 * variables, in the root scope), so it completes at once. After a gateway, the gateway is passed
 * on the way (recorded in history and on the diagram) and its other events are never armed.
 */
export function startAtMessage(exec: Execution, elementId: string, rootId: string): void {
  const element = exec.element(elementId);
  const gatewayFlowId = element.incoming.find((flowId) => {
    const source = exec.element(exec.index.flow(flowId).sourceId);
    return source.kind === 'bpmn:EventBasedGateway' && 'instantiate' in source && source.instantiate === true;
  });
  if (gatewayFlowId === undefined) {
    exec.schedule(exec.addToken({ elementId, scopeId: rootId, trigger: {} }));
    return;
  }
  const gatewayId = exec.index.flow(gatewayFlowId).sourceId;
  const token = exec.addToken({ elementId: gatewayId, scopeId: rootId });
  exec.history('element.entered', { elementId: gatewayId, tokenId: token.id });
  exec.history('element.completed', { elementId: gatewayId, tokenId: token.id });
  exec.markCompleted(gatewayId);
  arrive(exec, token, gatewayFlowId);
  token.trigger = {};
}
