import { completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';

/** Manual tasks and plain tasks: nothing to wait for (BPMN leaves their work outside the engine). */
export function runPassThrough(exec: Execution, token: LiveToken): void {
  completeElement(exec, token, {});
}
