import type { BoundaryEventElement } from '../model/types.js';
import type { Execution, LiveToken } from './execution.js';
import { completeElement } from './activity.js';
import { arrive } from './flow.js';
import { terminateToken } from './terminate.js';
import { cancelTrigger, closeFiredTrigger, isCycleTimer, rearmCycle } from './triggers.js';
import type { TriggerEntry, Variables } from './types.js';

/**
 * An awaited event happened for a token's trigger entry: a boundary event on an activity, or one
 * of the targets of an event-based gateway. The job that fired is finished by the shell; a
 * subscription stays open until an unsubscribe effect says otherwise.
 */

/** Fires a boundary event of the activity `tokenId` is in (entry absent for error/escalation catches). */
export function fireBoundary(
  exec: Execution,
  tokenId: string,
  boundaryId: string,
  variables: Variables,
  entry?: TriggerEntry,
): void {
  const activity = exec.edit(tokenId);
  const boundary = exec.element(boundaryId) as BoundaryEventElement;
  if (entry) activity.boundary = (activity.boundary ?? []).filter((other) => other !== entry);
  if (boundary.cancelActivity) {
    if (entry) closeFiredTrigger(exec, entry);
    terminateToken(exec, tokenId);
  } else if (entry) {
    // Non-interrupting: messages and signals may come again; cycles re-arm; one-off timers are spent.
    const keep = entry.subscriptionId
      ? entry
      : isCycleTimer(exec, entry)
        ? rearmCycle(exec, entry, tokenId, activity.scopeId)
        : undefined;
    if (keep) activity.boundary = [...(activity.boundary ?? []), keep];
  }
  const scopeId = activity.scopeId;
  const spawned = exec.addToken({ elementId: boundaryId, scopeId, trigger: variables });
  exec.schedule(spawned);
}

/** The first event after an event-based gateway happened: the others are cancelled, the token moves on. */
export function fireEventGateway(
  exec: Execution,
  tokenId: string,
  entry: TriggerEntry,
  variables: Variables,
): void {
  const token = exec.edit(tokenId);
  releaseOthers(exec, token, entry);
  const gateway = exec.element(token.elementId);
  exec.history('element.completed', { elementId: gateway.id, tokenId: token.id });
  exec.markCompleted(gateway.id);
  const flowId = gateway.outgoing.find((id) => exec.index.flow(id).targetId === entry.elementId);
  if (!flowId) throw new Error(`No flow from '${gateway.id}' to '${entry.elementId}'`);
  arrive(exec, token, flowId);
  token.trigger = variables;
}

/** The first event of a multiple catch event happened: the others are cancelled, the event completes. */
export function fireAnyEvent(
  exec: Execution,
  tokenId: string,
  entry: TriggerEntry,
  variables: Variables,
): void {
  const token = exec.edit(tokenId);
  releaseOthers(exec, token, entry);
  completeElement(exec, token, variables);
}

/** Closes the entry that fired and cancels every other trigger the waiting token holds. */
function releaseOthers(exec: Execution, token: LiveToken, fired: TriggerEntry): void {
  for (const other of token.boundary ?? []) {
    if (other === fired) closeFiredTrigger(exec, other);
    else cancelTrigger(exec, other);
  }
  token.boundary = undefined;
  token.wait = undefined;
}
