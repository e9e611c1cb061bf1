import type { ActivityElement, EventElement } from '../../model/types.js';
import { fireBoundary } from '../catching.js';
import { startCompensation } from '../compensation.js';
import type { Execution, LiveToken } from '../execution.js';
import { closeListeners, terminateTokensIn } from '../terminate.js';

/**
 * Transactions run as embedded subprocesses (compiled as `bpmn:SubProcess` with `transaction`).
 * A cancel end event cancels the transaction: every other token in it is terminated, the
 * activities that completed inside it are compensated (the end event waits for their handlers),
 * then the transaction is left through its cancel boundary event, which interrupts it.
 */
export function cancelTransaction(exec: Execution, token: LiveToken, element: EventElement): void {
  closeListeners(exec, token.scopeId);
  terminateTokensIn(exec, token.scopeId, token.id);
  if (!startCompensation(exec, token, token.scopeId)) leaveTransaction(exec, token, element);
}

/** The handlers are done (or there were none): leave by the transaction's cancel boundary event. */
export function leaveTransaction(exec: Execution, token: LiveToken, element: EventElement): void {
  const scope = exec.scope(token.scopeId);
  const compensationScope = exec.ownedScope(token.id);
  if (compensationScope) exec.removeScope(compensationScope.id);
  exec.history('element.completed', { elementId: element.id, tokenId: token.id });
  exec.markCompleted(element.id);
  exec.removeToken(token.id);
  let owner = scope.ownerTokenId ? exec.token(scope.ownerTokenId) : undefined;
  // An iteration of a multi-instance transaction: the boundary events belong to the body.
  const ownerScope = owner ? exec.scopes.get(owner.scopeId) : undefined;
  if (ownerScope?.multiInstance && ownerScope.ownerTokenId) owner = exec.token(ownerScope.ownerTokenId);
  if (!owner) throw new Error(`No transaction owns the scope of '${element.id}'`);
  const transaction = exec.element(owner.elementId) as ActivityElement;
  const boundaryId = transaction.boundaryEventIds.find((id) => {
    const boundary = exec.element(id);
    return 'event' in boundary && boundary.event.kind === 'cancel';
  });
  if (!boundaryId) throw new Error(`Transaction '${transaction.id}' has no cancel boundary event`);
  exec.history('transaction.cancelled', {
    elementId: transaction.id,
    tokenId: owner.id,
    data: { endEventId: element.id, boundaryEventId: boundaryId },
  });
  fireBoundary(exec, owner.id, boundaryId, {});
}
