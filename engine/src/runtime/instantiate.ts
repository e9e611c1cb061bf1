import type { Execution, LiveToken } from './execution.js';
import { arrive } from './flow.js';
import { runListener } from './listeners.js';

/**
 * An instance started by the message of an instantiating receive task, or of a catch event after
 * an instantiating event-based gateway (`ScopeModel.messageStartIds`). The message has happened:
 * the token enters that element with it already received (its variables are the start
 * variables, in the root scope), so it completes at once (after its own start listeners, if it has
 * any). After a gateway, the gateway is passed on the way (recorded in history and on the diagram)
 * and its other events are never armed.
 *
 * The process's start listeners run first, as for a none start event: the token waits at the
 * first element (the receive task, or the gateway) for each listener's job, which remembers the
 * element the message started at (`PendingListener.messageStartId`); `enterAtMessage` goes on
 * once they are done (`commands/listener-jobs.ts`).
 */
export function startAtMessage(exec: Execution, elementId: string, rootId: string): void {
  const gatewayFlowId = instantiatingGatewayFlow(exec, elementId);
  const firstId = gatewayFlowId === undefined ? elementId : exec.index.flow(gatewayFlowId).sourceId;
  const token = exec.addToken({ elementId: firstId, scopeId: rootId });
  if (runListener(exec, token, { event: 'start', index: 0, process: true, messageStartId: elementId }))
    return;
  enterAtMessage(exec, token, elementId);
}

/**
 * The token (at the instance's first element, the process's start listeners done) enters the
 * element the message started the instance at, with the message already received.
 */
export function enterAtMessage(exec: Execution, token: LiveToken, elementId: string): void {
  if (token.elementId === elementId) {
    token.trigger = {};
    exec.schedule(token);
    return;
  }
  const gatewayFlowId = instantiatingGatewayFlow(exec, elementId);
  if (gatewayFlowId === undefined || exec.index.flow(gatewayFlowId).sourceId !== token.elementId)
    throw new Error(`'${elementId}' is not after the instantiating gateway '${token.elementId}'`);
  const gatewayId = token.elementId;
  exec.history('element.entered', { elementId: gatewayId, tokenId: token.id });
  exec.history('element.completed', { elementId: gatewayId, tokenId: token.id });
  exec.markCompleted(gatewayId);
  arrive(exec, token, gatewayFlowId);
  token.trigger = {};
}

/** The flow into `elementId` from an instantiating event-based gateway, if it is after one. */
function instantiatingGatewayFlow(exec: Execution, elementId: string): string | undefined {
  return exec.element(elementId).incoming.find((flowId) => {
    const source = exec.element(exec.index.flow(flowId).sourceId);
    return source.kind === 'bpmn:EventBasedGateway' && 'instantiate' in source && source.instantiate === true;
  });
}
