import { IncidentNotFoundError, InvalidArgumentError } from '../../errors.js';
import { completeElement } from '../activity.js';
import { retryConditionIncident } from '../conditions.js';
import type { Execution } from '../execution.js';
import { enterElement, leave } from '../flow.js';
import { closeListeners, terminateTokensIn } from '../terminate.js';
import type { Command } from '../types.js';
import { setLocalVariables } from '../variables.js';
import { findWaiting } from './find.js';
import { retryListener } from './listener-jobs.js';

/** `instance.cancel`: everything open is cancelled; the root variables stay readable. */
export function cancelInstance(exec: Execution): void {
  const root = exec.rootScope();
  closeListeners(exec, root.id);
  terminateTokensIn(exec, root.id);
  exec.status = 'cancelled';
  exec.history('instance.cancelled');
}

/** `variables.set`: local variables of the root scope or of the given scope. */
export function setVariables(exec: Execution, command: Extract<Command, { type: 'variables.set' }>): void {
  const scope = command.scopeId === undefined ? exec.rootScope() : exec.scopes.get(command.scopeId);
  if (!scope) throw new InvalidArgumentError(`Scope ${command.scopeId} is not in this instance`);
  setLocalVariables(exec, scope.id, command.variables);
}

/** `incident.retry`: resolves the incident and runs the parked element again (or resumes its completion). */
export function retryIncident(exec: Execution, command: Extract<Command, { type: 'incident.retry' }>): void {
  const found = findWaiting(
    exec,
    (wait) => wait.kind === 'incident' && wait.incidentId === command.incidentId,
  );
  if (found?.wait?.kind !== 'incident') {
    // A failed boundary or event subprocess condition holds its incident on its trigger entry.
    if (retryConditionIncident(exec, command.incidentId)) return;
    throw new IncidentNotFoundError(command.incidentId);
  }
  const wait = found.wait;
  const token = exec.edit(found.id);
  exec.emit({ type: 'incident.resolve', incidentId: wait.incidentId });
  exec.history('incident.resolved', {
    elementId: token.elementId,
    tokenId: token.id,
    data: { incidentId: wait.incidentId },
  });
  token.wait = undefined;
  if (wait.listener) retryListener(exec, token, wait.listener);
  else if (wait.retry === 'complete') completeElement(exec, token, wait.variables ?? {});
  else if (wait.retry === 'leave') leave(exec, token, exec.element(token.elementId));
  else enterElement(exec, token, true);
}
