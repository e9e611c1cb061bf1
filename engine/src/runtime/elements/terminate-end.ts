import type { EventElement } from '../../model/types.js';
import type { Execution, LiveToken } from '../execution.js';
import { consume, notifyParent } from '../flow.js';
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
  exec.removeToken(token.id);
  closeListeners(exec, scope.id);
  exec.status = 'terminated';
  exec.history('instance.terminated', { elementId: element.id });
  notifyParent(exec, {
    type: 'child.completed',
    childInstanceId: exec.ctx.instanceId,
    variables: scope.variables,
  });
}
