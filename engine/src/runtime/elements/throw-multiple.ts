import { ExpressionError } from '../../errors.js';
import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { raiseIncident } from '../flow.js';
import { throwError, throwEscalation } from '../throw.js';
import type { Variables } from '../types.js';
import { createServiceJob, eventJobScope } from './jobs.js';
import { broadcastSignal } from './signal.js';
import { terminateScope } from './terminate-end.js';

/**
 * A multiple throw or end event (BPMN 2.0 10.5: several event definitions) throws every one of
 * them, in document order. With a job type (`zeebe:taskDefinition`) its job runs first: it stands
 * for the message definitions, as a single message throw event's job does; without one, a message
 * definition passes through, as a single one does. Then each signal is broadcast and each
 * escalation thrown as their single-definition events do. An end event's error or terminate
 * definition ends the event there: nothing after it is thrown. A catch that interrupts the thrower
 * on the way stops the rest as well.
 */

/** A token arrived at a multiple throw or end event: its job, or straight to the throws. */
export function enterMultiple(exec: Execution, token: LiveToken, element: EventElement): void {
  if (element.jobType && element.multiple?.some((event) => event.kind === 'message')) {
    createServiceJob(exec, token, element, eventJobScope(exec, token, element));
    return;
  }
  throwAndComplete(exec, token, element, {});
}

/**
 * The job of a multiple throw or end event completed: throw the rest. Its variables are the
 * event's completion variables; an error definition carries them to its catch (as a job's BPMN
 * error does). A throw that fails here (a signal name that is no string) parks the event in an
 * incident whose retry runs the event again, its job included.
 */
export function multipleJobCompleted(
  exec: Execution,
  token: LiveToken,
  element: EventElement,
  variables: Variables,
): void {
  try {
    throwAndComplete(exec, token, element, variables);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    const still = exec.token(token.id);
    if (still) raiseIncident(exec, exec.edit(still.id), 'expression', error.message);
  }
}

function throwAndComplete(
  exec: Execution,
  token: LiveToken,
  element: EventElement,
  variables: Variables,
): void {
  if (throwEach(exec, token, element, variables)) completeElement(exec, token, variables);
  // An end event whose scope a catch interrupted (or that ended with an error caught outside) is done.
  else if (element.kind === 'bpmn:EndEvent' && !exec.token(token.id)) exec.markCompleted(element.id);
}

/**
 * Throws every definition in document order. True when the event goes on to complete; false when
 * the thrower is gone (a catch interrupted it) or an error or terminate definition ended it (an
 * uncaught error leaves it in an incident, as a single error end event does).
 */
function throwEach(exec: Execution, token: LiveToken, element: EventElement, variables: Variables): boolean {
  for (const event of element.multiple ?? []) {
    switch (event.kind) {
      case 'signal':
        broadcastSignal(exec, token, element, event);
        break;
      case 'escalation':
        throwEscalation(exec, token, event.escalationCode ?? '', { ownBoundaries: false });
        break;
      case 'error':
        throwError(exec, token, event.errorCode ?? '', { ownBoundaries: false, variables });
        return false;
      case 'terminate':
        terminateScope(exec, token, element);
        return false;
      default:
        // A message: its job already ran (with a job type), or it passes through as a single one does.
        break;
    }
    if (!exec.token(token.id)) return false;
  }
  return true;
}
