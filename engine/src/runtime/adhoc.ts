import { ExpressionError } from '../errors.js';
import type { ActivityElement } from '../model/types.js';
import { completeElement } from './activity.js';
import type { Execution, LiveToken } from './execution.js';
import { raiseIncident } from './flow.js';
import { terminateTokensIn } from './terminate.js';
import type { JsonValue } from './types.js';
import { evaluateIn } from './variables.js';

/**
 * Ad-hoc subprocesses at run time. The subprocess's token waits on its scope (as an embedded
 * subprocess's does); inner elements start when activated: on entry, the ids that
 * `activeElementsCollection` lists; later, by the activation command. Each time a path inside
 * ends, the completion condition is evaluated (Zeebe evaluates it when an inner element
 * completes): once it holds, the subprocess completes, terminating what still runs unless
 * `cancelRemainingInstances` is false (then it completes when the last path ends). Without a
 * condition, or while it is false, it completes when no path inside is left.
 */

/** Inner elements one activation may start: a budget on what a variable or a request asks for. */
export const MAX_ADHOC_ACTIVATIONS = 100;

/**
 * The inner element ids an ad-hoc subprocess starts on entry (none without a collection). Throws
 * `ExpressionError` (an incident on the subprocess) when the value is not a list of strings or
 * names elements that are not its inner elements.
 */
export function initialElementIds(exec: Execution, element: ActivityElement, scopeId: string): string[] {
  const expr = element.adHoc?.activeElements;
  if (!expr) return [];
  const source = expr.feel ? expr.source : expr.value;
  const value = evaluateIn(exec, expr, scopeId);
  if (value === null) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string'))
    throw new ExpressionError(
      source,
      `the active elements collection of '${element.id}' must be a list of element ids, got ${describeValue(value)}`,
    );
  const unknown = unknownElementIds(element, value);
  if (unknown.length > 0)
    throw new ExpressionError(
      source,
      `the active elements collection names ${unknown.map((id) => `'${id}'`).join(', ')}, not ${unknown.length === 1 ? 'an inner element' : 'inner elements'} of ad-hoc subprocess '${element.id}'`,
    );
  if (value.length > MAX_ADHOC_ACTIVATIONS)
    throw new ExpressionError(
      source,
      `the active elements collection lists ${value.length} elements; at most ${MAX_ADHOC_ACTIVATIONS} start at once`,
    );
  return value;
}

/** The ids that are not inner elements the subprocess may activate. */
export function unknownElementIds(element: ActivityElement, ids: readonly string[]): string[] {
  const allowed = new Set(element.adHoc?.activatableIds ?? []);
  return [...new Set(ids.filter((id) => !allowed.has(id)))];
}

/** Starts a token at each inner element, in the ad-hoc subprocess's scope. */
export function activateInner(exec: Execution, scopeId: string, elementIds: readonly string[]): void {
  for (const elementId of elementIds) exec.schedule(exec.addToken({ elementId, scopeId }));
}

/**
 * A path inside the ad-hoc subprocess ended: complete it when the completion condition holds or no
 * path is left. A failing condition parks the subprocess in an incident; a retry evaluates it again.
 */
export function adHocFlowEnded(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const scope = exec.ownedScope(token.id);
  if (!scope) return;
  const condition = element.adHoc?.completionCondition;
  let fulfilled = false;
  if (condition) {
    try {
      fulfilled = evaluateIn(exec, condition, scope.id) === true;
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      raiseIncident(exec, token, 'expression', error.message);
      return;
    }
  }
  const left = exec.hasTokensIn(scope.id);
  if (left && !(fulfilled && element.adHoc?.cancelRemainingInstances !== false)) return;
  if (left) terminateTokensIn(exec, scope.id);
  token.wait = undefined;
  completeElement(exec, token, {});
}

function describeValue(value: JsonValue): string {
  if (Array.isArray(value)) return 'a list with other values than strings';
  return typeof value === 'object' ? 'a context' : `${typeof value} ${JSON.stringify(value).slice(0, 60)}`;
}
