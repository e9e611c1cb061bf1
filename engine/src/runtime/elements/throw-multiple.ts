import { ExpressionError } from '../../errors.js';
import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import { compensatedScopeId, startCompensation } from '../compensation.js';
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
 * escalation thrown as their single-definition events do. A compensation definition starts the
 * handlers as a single compensation throw does and the event waits for them (Zeebe always waits);
 * the token records which definition comes next (`multipleThrow`, persisted), and once the
 * handlers are done the rest is thrown. With nothing to compensate it passes on at once. An end
 * event's error or terminate definition ends the event there: nothing after it is thrown. A catch
 * that interrupts the thrower on the way (during the handlers too) stops the rest as well.
 */

/**
 * A token arrived at a multiple throw or end event: its job, or straight to the throws. An
 * incident's retry comes here too: after the compensation handlers, it goes on where the list was.
 */
export function enterMultiple(exec: Execution, token: LiveToken, element: EventElement): void {
  if (token.multipleThrow) {
    resumeMultiple(exec, token, element);
    return;
  }
  if (element.jobType && element.multiple?.some((event) => event.kind === 'message')) {
    createServiceJob(exec, token, element, eventJobScope(exec, token, element));
    return;
  }
  throwAndComplete(exec, token, element, {}, 0);
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
  throwGuarded(exec, token, element, variables, 0);
}

/**
 * The compensation handlers a multiple throw or end event waits for are done (its compensation
 * scope is empty): the definitions after the compensation one are thrown, then it completes.
 */
export function resumeMultiple(exec: Execution, token: LiveToken, element: EventElement): void {
  token.wait = undefined;
  const progress = token.multipleThrow;
  throwGuarded(exec, token, element, progress?.variables ?? {}, progress?.next ?? 0);
}

/**
 * Throws from `from` on. A throw that fails (a signal name that is no string) parks the event in
 * an incident; its retry runs the event again: from its job, or after compensation from where the
 * list was (the token keeps `multipleThrow` until the event completes).
 */
function throwGuarded(
  exec: Execution,
  token: LiveToken,
  element: EventElement,
  variables: Variables,
  from: number,
): void {
  try {
    throwAndComplete(exec, token, element, variables, from);
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
  from: number,
): void {
  const outcome = throwEach(exec, token, element, variables, from);
  if (outcome === 'waiting') return;
  const still = exec.token(token.id);
  if (still?.multipleThrow) exec.edit(still.id).multipleThrow = undefined;
  if (outcome === 'complete') completeElement(exec, token, variables);
  // An end event whose scope a catch interrupted (or that ended with an error caught outside) is done.
  else if (element.kind === 'bpmn:EndEvent' && !still) exec.markCompleted(element.id);
}

/**
 * Throws the definitions from index `from` on, in document order. 'complete' when the event goes
 * on to complete; 'waiting' when it waits for compensation handlers (the token records what comes
 * next); 'ended' when the thrower is gone (a catch interrupted it) or an error or terminate
 * definition ended it (an uncaught error leaves it in an incident, as a single error end event does).
 */
function throwEach(
  exec: Execution,
  token: LiveToken,
  element: EventElement,
  variables: Variables,
  from: number,
): 'complete' | 'waiting' | 'ended' {
  const events = element.multiple ?? [];
  for (let index = from; index < events.length; index++) {
    const event = events[index] as (typeof events)[number];
    switch (event.kind) {
      case 'signal':
        broadcastSignal(exec, token, element, event);
        break;
      case 'escalation':
        throwEscalation(exec, token, event.escalationCode ?? '', { ownBoundaries: false });
        break;
      case 'error':
        throwError(exec, token, event.errorCode ?? '', { ownBoundaries: false, variables });
        return 'ended';
      case 'terminate':
        terminateScope(exec, token, element);
        return 'ended';
      case 'compensate':
        // The handlers run; the rest is thrown once they are done (resumeMultiple). Nothing to compensate: on at once.
        if (startCompensation(exec, token, compensatedScopeId(exec, token), event.activityRef)) {
          token.multipleThrow = {
            next: index + 1,
            ...(Object.keys(variables).length > 0 ? { variables } : {}),
          };
          return 'waiting';
        }
        break;
      default:
        // A message: its job already ran (with a job type), or it passes through as a single one does.
        break;
    }
    if (!exec.token(token.id)) return 'ended';
  }
  return 'complete';
}
