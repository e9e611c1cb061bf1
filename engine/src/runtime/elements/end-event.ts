import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { consume, terminateInstance } from '../flow.js';
import { runListener } from '../listeners.js';
import { closeListeners, terminateTokensIn } from '../terminate.js';
import { throwError, throwEscalation } from '../throw.js';
import type { ElementBehavior } from '../execution.js';
import { createServiceJob } from './jobs.js';
import { broadcastSignal } from './signal.js';
import { throwEach } from './throw-multiple.js';

/** End events: the token's path ends, after the event's result (terminate, error, escalation, signal, message). */
export const endEvent: ElementBehavior<EventElement> = {
  enter(exec, token, element) {
    if (element.multiple) {
      if (throwEach(exec, token, element)) completeElement(exec, token, {});
      else exec.markCompleted(element.id);
      return;
    }
    const event = element.event;
    switch (event.kind) {
      case 'terminate':
        terminate(exec, token, element);
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
        if (element.jobType) createServiceJob(exec, token, element, token.scopeId);
        else completeElement(exec, token, {});
        return;
      default:
        completeElement(exec, token, {});
    }
  },
};

/**
 * Terminate end: every other token of the scope ends; at the root, the whole instance is
 * terminated. Zeebe completes the process instance there, so its end listeners run first, the
 * token waiting at this event for each (`flow.ts`'s `instanceEnded` ends it after the last).
 */
function terminate(exec: Execution, token: LiveToken, element: EventElement): void {
  terminateTokensIn(exec, token.scopeId, token.id);
  exec.history('element.completed', { elementId: element.id, tokenId: token.id });
  exec.markCompleted(element.id);
  const scope = exec.scope(token.scopeId);
  if (scope.parentScopeId !== null) {
    consume(exec, token);
    return;
  }
  closeListeners(exec, scope.id);
  if (runListener(exec, token, { event: 'end', index: 0, process: true, terminate: true })) return;
  exec.removeToken(token.id);
  terminateInstance(exec, element.id);
}
