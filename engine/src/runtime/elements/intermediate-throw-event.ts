import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { throwEscalation } from '../throw.js';
import type { ElementBehavior } from '../execution.js';
import { createServiceJob, eventJobScope } from './jobs.js';
import { broadcastSignal } from './signal.js';
import { enterMultiple, multipleJobCompleted } from './throw-multiple.js';

/** Intermediate throw events: none passes through; signal, escalation and message throw; link jumps. */
export const intermediateThrowEvent: ElementBehavior<EventElement> = {
  enter(exec, token, element) {
    if (element.multiple) {
      enterMultiple(exec, token, element);
      return;
    }
    const event = element.event;
    switch (event.kind) {
      case 'signal':
        broadcastSignal(exec, token, element);
        if (!exec.token(token.id)) return;
        break;
      case 'escalation':
        throwEscalation(exec, token, event.escalationCode ?? '', { ownBoundaries: false });
        if (!exec.token(token.id)) return;
        break;
      case 'link':
        jump(exec, token, element, event.linkName);
        return;
      case 'message':
        if (element.jobType) {
          createServiceJob(exec, token, element, eventJobScope(exec, token, element));
          return;
        }
        break;
      default:
        break;
    }
    completeElement(exec, token, {});
  },
  /** The job of a message throw event (a multiple one: then the rest is thrown). */
  jobCompleted(exec, token, element, variables) {
    if (element.multiple) multipleJobCompleted(exec, token, element, variables);
    else completeElement(exec, token, variables);
  },
};

/** A link throw continues at the catch event of the same name in the same scope. */
function jump(exec: Execution, token: LiveToken, element: EventElement, linkName: string): void {
  const target = exec.index.linkTarget(element.parentId, linkName);
  if (!target) throw new Error(`No link catch event '${linkName}' for '${element.id}'`);
  exec.history('element.completed', { elementId: element.id, tokenId: token.id });
  exec.markCompleted(element.id);
  token.elementId = target;
  token.arrivedBy = undefined;
  exec.schedule(token);
}
