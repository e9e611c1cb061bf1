import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import type { ElementBehavior } from '../execution.js';

/** Start events pass through; an event subprocess start carries the triggering event's variables. */
export const startEvent: ElementBehavior<EventElement> = {
  enter(exec, token) {
    const variables = token.trigger ?? {};
    token.trigger = undefined;
    completeElement(exec, token, variables);
  },
};
