import type { Element } from '../model/types.js';
import type { Execution, LiveToken } from './execution.js';
import { closeFiredTrigger } from './triggers.js';
import type { TriggerEntry, Variables } from './types.js';

/**
 * Parallel multiple events (`parallelMultiple="true"`, BPMN 2.0 10.5.1): an intermediate catch or
 * boundary event with several definitions that triggers only once every one of them has happened.
 * Each occurrence spends its trigger (the subscription is closed, the timer job is finished) and
 * stays in the token's trigger list as `fired`, with the variables it brought, so the progress is
 * part of the persisted state and survives a reload. When the last one happens, the event
 * triggers with every occurrence's variables merged (in document order of the definitions).
 */

/** Whether an element waits for every one of its event definitions. */
export function isParallelMultiple(element: Element): boolean {
  return 'parallelMultiple' in element && element.parallelMultiple === true && element.multiple !== undefined;
}

/**
 * Records that `entry` happened for `token`. Returns the merged variables once every definition of
 * the entry's element has happened (and removes that element's entries), else undefined.
 */
export function recordOccurrence(
  exec: Execution,
  token: LiveToken,
  entry: TriggerEntry,
  variables: Variables,
): Variables | undefined {
  closeFiredTrigger(exec, entry);
  const fired: TriggerEntry = {
    elementId: entry.elementId,
    ...(entry.definition === undefined ? {} : { definition: entry.definition }),
    fired: true,
    ...(Object.keys(variables).length > 0 ? { variables } : {}),
  };
  const entries = (token.boundary ?? []).map((other) => (other === entry ? fired : other));
  const mine = entries
    .filter((other) => other.elementId === entry.elementId)
    .sort((a, b) => (a.definition ?? 0) - (b.definition ?? 0));
  if (mine.some((other) => !other.fired)) {
    token.boundary = entries;
    return undefined;
  }
  token.boundary = entries.filter((other) => other.elementId !== entry.elementId);
  return Object.assign({}, ...mine.map((other) => other.variables ?? {}));
}
