import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import { throwError, throwEscalation } from '../throw.js';
import type { ElementBehavior } from '../execution.js';
import { createServiceJob, eventJobScope } from './jobs.js';
import { broadcastSignal } from './signal.js';
import { terminateScope } from './terminate-end.js';
import { enterMultiple, multipleJobCompleted } from './throw-multiple.js';

/** End events: the token's path ends, after the event's result (terminate, error, escalation, signal, message). */
export const endEvent: ElementBehavior<EventElement> = {
  enter(exec, token, element) {
    if (element.multiple) {
      enterMultiple(exec, token, element);
      return;
    }
    const event = element.event;
    switch (event.kind) {
      case 'terminate':
        terminateScope(exec, token, element);
        return;
      case 'error':
        throwError(exec, token, event.errorCode ?? '', { ownBoundaries: false });
        // Caught: the catch interrupted the scope this token was in. Uncaught: it waits in an incident.
        if (!exec.token(token.id)) exec.markCompleted(element.id);
        return;
      case 'escalation':
        throwEscalation(exec, token, event.escalationCode ?? '', { ownBoundaries: false });
        if (exec.token(token.id)) completeElement(exec, token, {});
        return;
      case 'signal':
        broadcastSignal(exec, token, element);
        // A catch of this very signal may have interrupted the scope the end event was in.
        if (exec.token(token.id)) completeElement(exec, token, {});
        else exec.markCompleted(element.id);
        return;
      case 'message':
        if (element.jobType) createServiceJob(exec, token, element, eventJobScope(exec, token, element));
        else completeElement(exec, token, {});
        return;
      default:
        completeElement(exec, token, {});
    }
  },
  /** The job of a message end event (a multiple one: then the rest is thrown). */
  jobCompleted(exec, token, element, variables) {
    if (element.multiple) multipleJobCompleted(exec, token, element, variables);
    else completeElement(exec, token, variables);
  },
};
