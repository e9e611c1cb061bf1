import type { GatewayElement } from '../../model/types.js';
import { armTriggers } from '../triggers.js';
import type { TriggerEntry } from '../types.js';
import type { ElementBehavior } from '../execution.js';

/**
 * Event-based gateway: the token waits at the gateway with one trigger per following catch event
 * or receive task (`Token.boundary`); the first to happen wins and the others are cancelled.
 */
export const eventBasedGateway: ElementBehavior<GatewayElement> = {
  enter(exec, token, element) {
    const entries: TriggerEntry[] = [];
    try {
      for (const flowId of element.outgoing)
        armTriggers(exec, exec.index.flow(flowId).targetId, token.id, token.scopeId, entries);
    } finally {
      token.boundary = entries;
    }
    token.wait = { kind: 'eventGateway' };
  },
};
