import type { EventElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import { conditionHolds } from '../conditions.js';
import type { Execution, LiveToken } from '../execution.js';

/**
 * A conditional intermediate catch event: passes at once when its condition holds as the token
 * arrives; otherwise the token waits (`wait: condition`) and the step evaluates the condition again
 * whenever a variable it can see changes (runtime/conditions.ts). A failing condition throws
 * `ExpressionError`, which parks the token in an incident whose retry evaluates it again.
 */
export function enterConditionalCatch(exec: Execution, token: LiveToken, element: EventElement): void {
  if (element.event.kind !== 'conditional') return;
  if (conditionHolds(exec, element.event.condition, token.scopeId)) {
    completeElement(exec, token, {});
    return;
  }
  token.wait = { kind: 'condition' };
}
