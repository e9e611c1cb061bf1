import type { ActivityElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import { armListeners } from '../event-subprocess.js';
import type { Execution, LiveToken } from '../execution.js';
import { closeListeners } from '../terminate.js';

/** Embedded subprocesses: a child scope started at its none start event; done when no token is left in it. */
export function runSubProcess(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const scope = exec.ownedScope(token.id);
  const startId = exec.index.model.scopes[element.id]?.noneStartEventId;
  if (!scope || !startId) {
    completeElement(exec, token, {});
    return;
  }
  token.wait = { kind: 'scope', scopeId: scope.id };
  closeListeners(exec, scope.id);
  armListeners(exec, scope.id);
  const first = exec.addToken({ elementId: startId, scopeId: scope.id });
  exec.schedule(first);
}
