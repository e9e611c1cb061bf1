import type { ActivityElement } from '../../model/types.js';
import { activityBehavior } from '../activity.js';
import { activateInner, adHocFlowEnded, initialElementIds } from '../adhoc.js';
import { armListeners } from '../event-subprocess.js';
import type { ElementBehavior, Execution, LiveToken } from '../execution.js';
import { closeListeners, closeScope } from '../terminate.js';

/**
 * `bpmn:AdHocSubProcess`: a child scope like an embedded subprocess's, without a start event; the
 * elements `activeElementsCollection` lists start in it (see runtime/adhoc.ts). An empty list
 * leaves it waiting for the activation command.
 */
function runAdHocSubProcess(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const scope = exec.ownedScope(token.id);
  if (!scope) throw new Error(`Ad-hoc subprocess '${element.id}' has no scope`);
  let ids: string[];
  try {
    ids = initialElementIds(exec, element, scope.id);
  } catch (error) {
    // The scope goes with the failed entry: a retry enters the subprocess afresh.
    closeScope(exec, scope.id);
    throw error;
  }
  token.wait = { kind: 'scope', scopeId: scope.id };
  closeListeners(exec, scope.id);
  armListeners(exec, scope.id);
  activateInner(exec, scope.id, ids);
}

const base = activityBehavior(runAdHocSubProcess);

export const adHocSubProcess: ElementBehavior<ActivityElement> = {
  ...base,
  // An incident on a running subprocess came from its completion condition: evaluate it again.
  retry: (exec, token, element) => {
    const scope = exec.ownedScope(token.id);
    if (scope && !scope.multiInstance) {
      token.wait = { kind: 'scope', scopeId: scope.id };
      adHocFlowEnded(exec, token, element);
      return;
    }
    base.retry?.(exec, token, element);
  },
  flowEnded: adHocFlowEnded,
};
