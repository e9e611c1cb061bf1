import type { EventElement } from '../../model/types.js';
import type { Execution, LiveToken } from '../execution.js';
import { consume, terminateInstance } from '../flow.js';
import { runListener } from '../listeners.js';
import { closeListeners, terminateTokensIn } from '../terminate.js';

/**
 * Terminate end (a terminate end event, or the terminate definition of a multiple end event):
 * every other token of the scope ends; at the root, the whole instance is terminated.
 */
export function terminateScope(exec: Execution, token: LiveToken, element: EventElement): void {
  terminateTokensIn(exec, token.scopeId, token.id);
  exec.history('element.completed', { elementId: element.id, tokenId: token.id });
  exec.markCompleted(element.id);
  const scope = exec.scope(token.scopeId);
  if (scope.parentScopeId !== null) {
    consume(exec, token);
    return;
  }
  closeListeners(exec, scope.id);
  // Zeebe completes the process instance here, so its end listeners run first, the token waiting
  // at this event for each (`flow.ts`'s `instanceEnded` ends it after the last).
  if (runListener(exec, token, { event: 'end', index: 0, process: true, terminate: true })) return;
  exec.removeToken(token.id);
  terminateInstance(exec, element.id);
}
