import type { Execution, LiveToken } from './execution.js';
import { cancelTrigger } from './triggers.js';

/**
 * Tearing things down: an interrupted activity, a terminated scope, a cancelled instance. Every
 * task, job, subscription and child instance a token holds is cancelled with an effect, so no
 * row outside the instance is left behind.
 */

/** Cancels what a token waits on and its boundary triggers, and closes the scope it owns. */
export function releaseToken(exec: Execution, token: Readonly<LiveToken>): void {
  const wait = token.wait;
  switch (wait?.kind) {
    case 'userTask':
      exec.emit({ type: 'task.cancel', taskId: wait.taskId });
      exec.history('task.cancelled', { elementId: token.elementId, tokenId: token.id, taskId: wait.taskId });
      break;
    case 'job':
    case 'timer':
      exec.emit({ type: 'job.cancel', jobId: wait.jobId });
      break;
    case 'message':
      exec.emit({ type: 'message.unsubscribe', subscriptionId: wait.subscriptionId });
      break;
    case 'signal':
      exec.emit({ type: 'signal.unsubscribe', subscriptionId: wait.subscriptionId });
      break;
    case 'childInstance':
      exec.emit({ type: 'child.cancel', childInstanceId: wait.childInstanceId });
      break;
    case 'listener':
      exec.emit({ type: 'job.cancel', jobId: wait.jobId });
      cancelPendingTask(exec, token, wait.listener.taskId);
      break;
    case 'incident':
      cancelPendingTask(exec, token, wait.listener?.taskId);
      exec.emit({ type: 'incident.resolve', incidentId: wait.incidentId });
      exec.history('incident.resolved', {
        elementId: token.elementId,
        tokenId: token.id,
        data: { incidentId: wait.incidentId },
      });
      break;
    default:
      break;
  }
  for (const entry of token.boundary ?? []) cancelTrigger(exec, entry);
  if (token.boundary?.length) exec.edit(token.id).boundary = undefined;
  const owned = exec.ownedScope(token.id);
  if (owned) closeScope(exec, owned.id);
}

/** A completion waiting for its task listeners is cut short: the task is cancelled. */
function cancelPendingTask(exec: Execution, token: Readonly<LiveToken>, taskId: string | undefined): void {
  if (taskId === undefined) return;
  exec.emit({ type: 'task.cancel', taskId });
  exec.history('task.cancelled', { elementId: token.elementId, tokenId: token.id, taskId });
}

/** Terminates a token: releases everything it holds and removes it. */
export function terminateToken(exec: Execution, tokenId: string): void {
  const token = exec.token(tokenId);
  if (!token) return;
  releaseToken(exec, token);
  exec.history('element.terminated', { elementId: token.elementId, tokenId: token.id });
  exec.removeToken(tokenId);
}

/** Terminates every token in a scope (and, through them, every nested scope). */
export function terminateTokensIn(exec: Execution, scopeId: string, exceptTokenId?: string): void {
  for (const token of exec.tokensIn(scopeId)) if (token.id !== exceptTokenId) terminateToken(exec, token.id);
}

/** Cancels the event subprocess listeners of a scope. */
export function closeListeners(exec: Execution, scopeId: string): void {
  const scope = exec.scopes.get(scopeId);
  if (!scope?.listeners) return;
  for (const entry of scope.listeners) cancelTrigger(exec, entry);
  const { listeners: _closed, ...rest } = scope;
  exec.putScope(rest);
}

/** Closes a scope: listeners, remaining tokens, then the scope itself. */
export function closeScope(exec: Execution, scopeId: string): void {
  closeListeners(exec, scopeId);
  terminateTokensIn(exec, scopeId);
  exec.removeScope(scopeId);
}
