import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import { compensatedScopeId, startCompensation } from '../compensation.js';
import type { ElementBehavior } from '../execution.js';
import { resumeMultiple } from './throw-multiple.js';
import { cancelTransaction, leaveTransaction } from './transaction.js';

/**
 * Adds compensation and cancel events to the throw behaviors of intermediate throw and end events.
 * A compensation throw starts the handlers of what its scope (or `activityRef`) completed and
 * waits for them (Zeebe always waits); with nothing to compensate it passes through. A cancel end
 * event cancels its transaction (see transaction.ts). Every other event goes to `base`, multiple
 * ones too (a compensation definition among several: throw-multiple.ts).
 */
export function withCompensation(base: ElementBehavior<EventElement>): ElementBehavior<EventElement> {
  return {
    ...base,
    enter(exec, token, element) {
      const event = element.event;
      if (element.multiple) {
        base.enter(exec, token, element);
        return;
      }
      if (event.kind === 'compensate') {
        if (!startCompensation(exec, token, compensatedScopeId(exec, token), event.activityRef))
          completeElement(exec, token, {});
        return;
      }
      if (event.kind === 'cancel') {
        cancelTransaction(exec, token, element);
        return;
      }
      base.enter(exec, token, element);
    },
    /** Every handler started by this throw completed: the compensation scope is empty. */
    scopeCompleted(exec, token, element) {
      if (element.multiple) {
        resumeMultiple(exec, token, element);
        return;
      }
      token.wait = undefined;
      if (element.event.kind === 'cancel') leaveTransaction(exec, token, element);
      else completeElement(exec, token, {});
    },
  };
}
