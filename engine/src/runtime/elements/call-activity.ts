import type { ActivityElement } from '../../model/types.js';
import { activityScopeId, completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { raiseIncident } from '../flow.js';
import { evaluateIn, visibleVariables } from '../variables.js';

/** Call activities start a child instance (`child.start`) and wait for `child.completed`. */
export function runCallActivity(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const called = element.calledElement;
  if (!called) {
    completeElement(exec, token, {});
    return;
  }
  const scopeId = activityScopeId(exec, token);
  const processId = evaluateIn(exec, called.processId, scopeId);
  if (
    typeof processId !== 'string' ||
    processId === '' ||
    (exec.ctx.findProcess && !exec.ctx.findProcess(processId))
  ) {
    raiseIncident(exec, token, 'calledElement', `No deployed process '${String(processId)}' to call`);
    return;
  }
  const variables = called.propagateAllParentVariables
    ? visibleVariables(exec, scopeId)
    : (exec.ownedScope(token.id)?.variables ?? {});
  const childInstanceId = exec.newId();
  exec.emit({ type: 'child.start', childInstanceId, processId, variables, parentTokenId: token.id });
  token.wait = { kind: 'childInstance', childInstanceId };
}
