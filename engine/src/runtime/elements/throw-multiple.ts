import type { EventElement } from '../../model/types.js';
import type { Execution, LiveToken } from '../execution.js';
import { throwEscalation } from '../throw.js';
import { broadcastSignal } from './signal.js';

/**
 * A multiple throw or end event (BPMN: several event definitions) throws every one of them, in
 * document order: each signal as a signal throw event does, each escalation as an escalation throw
 * event does. Returns false when a catch interrupted the thrower on the way (the rest is not
 * thrown, as its scope is gone).
 */
export function throwEach(exec: Execution, token: LiveToken, element: EventElement): boolean {
  for (const event of element.multiple ?? []) {
    if (event.kind === 'signal') broadcastSignal(exec, token, element, event);
    else if (event.kind === 'escalation')
      throwEscalation(exec, token, event.escalationCode ?? '', { ownBoundaries: false });
    if (!exec.token(token.id)) return false;
  }
  return true;
}
