import type { ActivityElement } from '../../model/types.js';
import { activityScopeId, completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { evaluateIn } from '../variables.js';

/** Script tasks evaluate a FEEL expression (`zeebe:script`); the result lands in `resultVariable`. */
export function runScriptTask(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const script = element.script;
  if (!script) {
    completeElement(exec, token, {});
    return;
  }
  const result = evaluateIn(exec, script.expression, activityScopeId(exec, token));
  completeElement(exec, token, script.resultVariable ? { [script.resultVariable]: result } : {});
}
