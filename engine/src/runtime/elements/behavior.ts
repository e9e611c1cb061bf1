import type { Element, ElementKind } from '../../model/types.js';
import type { Execution, LiveToken } from '../execution.js';

/** What an element does when a token arrives (and, after an incident, when it is retried). */
export interface ElementBehavior<E extends Element = Element> {
  enter(exec: Execution, token: LiveToken, element: E): void;
  /** Re-run after `incident.retry`; defaults to `enter`. */
  retry?(exec: Execution, token: LiveToken, element: E): void;
}

/** One behavior per element kind: a kind without one does not compile. */
export type ElementBehaviors = {
  readonly [K in ElementKind]: ElementBehavior<Element & { readonly kind: K }>;
};
