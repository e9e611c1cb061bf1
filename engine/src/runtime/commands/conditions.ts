import { resolveExpr } from '../../expressions/feel.js';
import { ExpressionError } from '../../errors.js';
import type { ProcessModel } from '../../model/types.js';
import { isMet } from '../conditions.js';
import type { Variables } from '../types.js';

/** What the conditional start events of one process say about a set of variables. */
export interface StartConditions {
  /** Conditional start events whose condition holds, in model order. */
  readonly holding: readonly string[];
  /** Conditions that failed to evaluate or gave something other than a boolean or null. */
  readonly failed: readonly { readonly elementId: string; readonly message: string }[];
}

/**
 * Evaluates the process-level conditional start events of `model` against `variables` (the
 * variables an instance would start with), under the FEEL budget, without any instance: pure,
 * like `step`. A result means what it means for every conditional event (runtime/conditions.ts):
 * true holds; false and null do not; any other value is a failure.
 */
export function evaluateStartConditions(
  model: ProcessModel,
  variables: Variables,
  now: Date,
): StartConditions {
  const holding: string[] = [];
  const failed: { elementId: string; message: string }[] = [];
  for (const elementId of model.scopes[model.id]?.startEventIds ?? []) {
    const element = model.elements[elementId];
    if (!element || !('event' in element) || element.event.kind !== 'conditional') continue;
    const condition = element.event.condition;
    try {
      if (isMet(resolveExpr(condition, variables, { now }), condition)) holding.push(elementId);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      failed.push({ elementId, message: error.message });
    }
  }
  return { holding, failed };
}
