import type { ActivityElement } from '../../model/types.js';
import { activityScopeId, completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { armTrigger } from '../triggers.js';

/** Receive tasks wait for their message (or complete at once when an event-based gateway already got it). */
export function runReceiveTask(exec: Execution, token: LiveToken, element: ActivityElement): void {
  if (token.trigger) {
    const variables = token.trigger;
    token.trigger = undefined;
    completeElement(exec, token, variables);
    return;
  }
  const entry = armTrigger(exec, element.id, token.id, activityScopeId(exec, token));
  if (!entry?.subscriptionId) throw new Error(`Receive task '${element.id}' has no message`);
  token.wait = { kind: 'message', subscriptionId: entry.subscriptionId };
}
