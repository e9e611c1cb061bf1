import type { Element } from '../model/types.js';
import type { Execution, LiveToken } from './execution.js';
import { closeFiredTrigger, entryDefinition } from './triggers.js';
import type { TriggerEntry, Variables } from './types.js';

/**
 * Parallel multiple events (`parallelMultiple="true"`, BPMN 2.0 10.5.1): an intermediate catch,
 * boundary or event subprocess start event with several definitions that triggers only once every
 * one of them has happened. Each occurrence spends its trigger (the subscription is closed, the
 * timer job is finished) and stays in the token's trigger list (an event subprocess start: its
 * scope's listeners) as `fired`, with the variables it brought, so the progress is part of the
 * persisted state and survives a reload. When the last one happens, the event triggers with every
 * occurrence's variables merged (in document order of the definitions).
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
  const { entries, all } = record(token.boundary ?? [], entry, variables);
  token.boundary = entries;
  return all;
}

/** Like `recordOccurrence`, for the start event listeners an event subprocess's scope holds. */
export function recordListenerOccurrence(
  exec: Execution,
  scopeId: string,
  entry: TriggerEntry,
  variables: Variables,
): Variables | undefined {
  closeFiredTrigger(exec, entry);
  const scope = exec.scope(scopeId);
  const { entries, all } = record(scope.listeners ?? [], entry, variables);
  const { listeners: _previous, ...rest } = scope;
  exec.putScope(entries.length > 0 ? { ...rest, listeners: entries } : rest);
  return all;
}

/**
 * The entries a non-interrupting parallel multiple event is armed with again after it triggered:
 * its conditions held when they were recorded, so each must turn false and true again before it
 * counts once more (conditions are edge-triggered, runtime/conditions.ts).
 */
export function armedAgain(exec: Execution, entries: readonly TriggerEntry[]): TriggerEntry[] {
  return entries.map((entry) =>
    entryDefinition(exec, entry)?.kind === 'conditional' ? { ...entry, met: true } : entry,
  );
}

function record(
  list: readonly TriggerEntry[],
  entry: TriggerEntry,
  variables: Variables,
): { entries: TriggerEntry[]; all?: Variables } {
  const fired: TriggerEntry = {
    elementId: entry.elementId,
    ...(entry.definition === undefined ? {} : { definition: entry.definition }),
    fired: true,
    ...(Object.keys(variables).length > 0 ? { variables } : {}),
  };
  const entries = list.map((other) => (other === entry ? fired : other));
  const mine = entries
    .filter((other) => other.elementId === entry.elementId)
    .sort((a, b) => (a.definition ?? 0) - (b.definition ?? 0));
  if (mine.some((other) => !other.fired)) return { entries };
  return {
    entries: entries.filter((other) => other.elementId !== entry.elementId),
    all: Object.assign({}, ...mine.map((other) => other.variables ?? {})),
  };
}
