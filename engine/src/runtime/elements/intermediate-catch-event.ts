import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import { armTrigger } from '../triggers.js';
import type { ElementBehavior } from '../execution.js';

/** Intermediate catch events wait for a timer, message or signal; link catches pass through. */
export const intermediateCatchEvent: ElementBehavior<EventElement> = {
  enter(exec, token, element) {
    if (token.trigger) {
      const variables = token.trigger;
      token.trigger = undefined;
      completeElement(exec, token, variables);
      return;
    }
    const entry = armTrigger(exec, element.id, token.id, token.scopeId);
    if (entry?.jobId) token.wait = { kind: 'timer', jobId: entry.jobId };
    else if (entry?.subscriptionId && element.event.kind === 'signal') {
      token.wait = {
        kind: 'signal',
        subscriptionId: entry.subscriptionId,
        ...(entry.signalName === undefined ? {} : { signalName: entry.signalName }),
      };
    } else if (entry?.subscriptionId) token.wait = { kind: 'message', subscriptionId: entry.subscriptionId };
    else completeElement(exec, token, {});
  },
};
