import type { IssueCollector } from './issues.js';
import type { EventDefinition } from './types.js';

/**
 * A parallel multiple process start event (start-gathering.ts) gathers its messages per
 * correlation key when they declare one; a signal, timer or condition belongs to no key, so it
 * cannot be one of the definitions then.
 */
export function checkParallelStart(
  id: string,
  definitions: readonly EventDefinition[],
  issues: IssueCollector,
): void {
  const keyed = definitions.some((event) => event.kind === 'message' && event.correlationKey !== undefined);
  const unkeyed = definitions.find((event) => event.kind !== 'message');
  if (keyed && unkeyed)
    issues.add(
      id,
      'element.unsupported',
      unkeyed.kind === 'conditional'
        ? "a parallel multiple start event whose messages have a correlation key gathers per key; a condition has no key, so a conditional definition cannot be one of its definitions (drop the messages' correlation key, or model the condition elsewhere)"
        : `a parallel multiple start event whose messages have a correlation key gathers per key; a ${unkeyed.kind} definition has none`,
    );
}
