import { resolveExpr } from '../../expressions/feel.js';
import { ExpressionError } from '../../errors.js';
import type { ProcessModel } from '../../model/types.js';
import { isMet } from '../conditions.js';
import type { Variables } from '../types.js';

/** What the conditional start events of one process say about a set of variables. */
export interface StartConditions {
  /**
   * Start events that start an instance, in model order: a conditional start event whose condition
   * holds, or a multiple start event (any one definition starts it) one of whose conditions holds.
   */
  readonly holding: readonly string[];
  /**
   * Parallel multiple start events (every definition needed) with the indices of their conditional
   * definitions that hold: each is one trigger of the event's gathering (start-gathering.ts).
   */
  readonly gathering: readonly { readonly elementId: string; readonly definitions: readonly number[] }[];
  /**
   * Conditions that failed to evaluate or gave something other than a boolean or null; nothing
   * starts or is gathered at their start event.
   */
  readonly failed: readonly { readonly elementId: string; readonly message: string }[];
}

/**
 * Evaluates the process-level conditional start events of `model` against `variables` (the
 * variables an instance would start with), under the FEEL budget, without any instance: pure,
 * like `step`. A result means what it means for every conditional event (runtime/conditions.ts):
 * true holds; false and null do not; any other value is a failure. Every conditional definition
 * of a multiple or parallel multiple start event is evaluated, in document order; one failure
 * fails the start event.
 */
export function evaluateStartConditions(
  model: ProcessModel,
  variables: Variables,
  now: Date,
): StartConditions {
  const holding: string[] = [];
  const gathering: { elementId: string; definitions: number[] }[] = [];
  const failed: { elementId: string; message: string }[] = [];
  for (const elementId of model.scopes[model.id]?.startEventIds ?? []) {
    const element = model.elements[elementId];
    if (!element || !('event' in element)) continue;
    const definitions = 'multiple' in element && element.multiple ? element.multiple : [element.event];
    const met: number[] = [];
    let failure: string | undefined;
    for (const [index, definition] of definitions.entries()) {
      if (definition.kind !== 'conditional') continue;
      try {
        if (isMet(resolveExpr(definition.condition, variables, { now }), definition.condition))
          met.push(index);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        failure = error.message;
        break;
      }
    }
    if (failure !== undefined) failed.push({ elementId, message: failure });
    else if (met.length === 0) continue;
    else if ('parallelMultiple' in element && element.parallelMultiple === true)
      gathering.push({ elementId, definitions: met });
    else holding.push(elementId);
  }
  return { holding, gathering, failed };
}
