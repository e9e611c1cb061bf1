import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import { armTrigger, armTriggers } from '../triggers.js';
import { enterConditionalCatch } from './conditional-catch.js';
import type { TriggerEntry } from '../types.js';
import type { ElementBehavior } from '../execution.js';

/** Intermediate catch events wait for a timer, message, signal or condition (a multiple one: the first of several); link catches pass through. */
export const intermediateCatchEvent: ElementBehavior<EventElement> = {
  enter(exec, token, element) {
    if (token.trigger) {
      const variables = token.trigger;
      token.trigger = undefined;
      completeElement(exec, token, variables);
      return;
    }
    if (element.event.kind === 'conditional' && !element.multiple) {
      enterConditionalCatch(exec, token, element);
      return;
    }
    if (element.multiple) {
      // A multiple event: the first of its messages, timers, signals and conditions completes it
      // (a parallel multiple one: all of them); conditions are evaluated at the end of the step.
      const entries: TriggerEntry[] = [];
      try {
        armTriggers(exec, element.id, token.id, token.scopeId, entries);
      } finally {
        token.boundary = entries;
      }
      token.wait = { kind: 'anyEvent' };
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
