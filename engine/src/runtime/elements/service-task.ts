import type { ActivityElement } from '../../model/types.js';
import { activityScopeId, completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { createServiceJob } from './jobs.js';

/** Service and send tasks: a job for a worker of `jobType`; `job.complete` continues. */
export function runServiceTask(exec: Execution, token: LiveToken, element: ActivityElement): void {
  if (!element.jobType) {
    completeElement(exec, token, {});
    return;
  }
  createServiceJob(exec, token, element, activityScopeId(exec, token));
}
