import type { BoundaryEventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import type { ElementBehavior } from '../execution.js';

/** A boundary event's token is spawned when the event fires (see catching.ts); here it just moves on. */
export const boundaryEvent: ElementBehavior<BoundaryEventElement> = {
  enter(exec, token) {
    const variables = token.trigger ?? {};
    token.trigger = undefined;
    completeElement(exec, token, variables);
  },
};
