import type { ActivityElement } from '../../model/types.js';
import { activityScopeId, completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { evaluateIn } from '../variables.js';
import { createServiceJob } from './jobs.js';

/**
 * Script tasks evaluate a FEEL expression (`zeebe:script`); the result lands in `resultVariable`.
 * With a job type instead (a script a worker runs, as Zeebe allows) they run as a job, like a
 * service task.
 */
export function runScriptTask(exec: Execution, token: LiveToken, element: ActivityElement): void {
  if (element.jobType) {
    createServiceJob(exec, token, element, activityScopeId(exec, token));
    return;
  }
  const script = element.script;
  if (!script) {
    completeElement(exec, token, {});
    return;
  }
  const result = evaluateIn(exec, script.expression, activityScopeId(exec, token));
  completeElement(exec, token, script.resultVariable ? { [script.resultVariable]: result } : {});
}
