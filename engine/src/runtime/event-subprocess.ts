import { ExpressionError } from '../errors.js';
import type { ActivityElement, EventElement } from '../model/types.js';
import type { Execution, LiveToken } from './execution.js';
import { hasListeners, runListener } from './listeners.js';
import { raiseIncident } from './flow.js';
import { closeListeners, terminateTokensIn } from './terminate.js';
import { armedAgain, isParallelMultiple, recordListenerOccurrence } from './parallel-multiple.js';
import { armTriggers, closeFiredTrigger, isCycleTimer, rearmCycle } from './triggers.js';
import type { TriggerEntry, Variables } from './types.js';
import { evaluateMappings, visibleVariables } from './variables.js';

/**
 * Event subprocesses listen while their enclosing scope runs: the timer jobs and message/signal
 * subscriptions of their start events are created when the scope starts (`Scope.listeners`) and
 * cancelled when it ends. Error and escalation starts need nothing armed: throws find them.
 */

/**
 * Arms the timer/message/signal start events of the event subprocesses directly in a scope; a
 * multiple start event (BPMN 2.0 10.5) gets an entry for each of its definitions.
 */
export function armListeners(exec: Execution, scopeId: string): void {
  const scope = exec.scope(scopeId);
  const model = exec.index.model;
  const subprocessIds = model.scopes[scope.elementId]?.eventSubProcessIds ?? [];
  if (subprocessIds.length === 0) return;
  const entries: TriggerEntry[] = [];
  try {
    for (const subprocessId of subprocessIds) {
      for (const startId of model.scopes[subprocessId]?.startEventIds ?? [])
        armTriggers(exec, startId, scopeId, scopeId, entries);
    }
  } finally {
    if (entries.length > 0) {
      const current = exec.scope(scopeId);
      exec.putScope({ ...current, listeners: [...(current.listeners ?? []), ...entries] });
    }
  }
}

/**
 * A listener's event happened: update the listener list, then start the event subprocess. Any one
 * definition of a multiple start event starts it (the others stay armed if it does not interrupt).
 */
export function fireListener(
  exec: Execution,
  scopeId: string,
  entry: TriggerEntry,
  variables: Variables,
): void {
  const start = exec.element(entry.elementId) as EventElement;
  if (isParallelMultiple(start)) {
    fireParallelListener(exec, scopeId, start, entry, variables);
    return;
  }
  const scope = exec.scope(scopeId);
  const others = (scope.listeners ?? []).filter((listener) => listener !== entry);
  let keep: TriggerEntry | undefined;
  if (!start.interrupting) {
    if (entry.subscriptionId) keep = entry;
    else if (isCycleTimer(exec, entry)) keep = rearmCycle(exec, entry, scopeId, scopeId);
  } else if (entry.subscriptionId) {
    closeFiredTrigger(exec, entry);
  }
  const listeners = keep ? [...others, keep] : others;
  const { listeners: _previous, ...rest } = scope;
  exec.putScope(listeners.length > 0 ? { ...rest, listeners } : rest);
  startEventSubprocess(exec, scopeId, entry.elementId, variables);
}

/**
 * One definition of a parallel multiple start event happened: it is recorded on the scope's
 * listeners; when the last one happens, the event subprocess starts with every payload merged. A
 * non-interrupting one is armed again, for every definition, before it starts.
 */
function fireParallelListener(
  exec: Execution,
  scopeId: string,
  start: EventElement,
  entry: TriggerEntry,
  variables: Variables,
): void {
  const all = recordListenerOccurrence(exec, scopeId, entry, variables);
  if (!all) return;
  if (!start.interrupting) {
    const again: TriggerEntry[] = [];
    try {
      armTriggers(exec, start.id, scopeId, scopeId, again);
    } finally {
      const current = exec.scope(scopeId);
      if (again.length > 0)
        exec.putScope({ ...current, listeners: [...(current.listeners ?? []), ...armedAgain(exec, again)] });
    }
  }
  startEventSubprocess(exec, scopeId, start.id, all);
}

/** Starts the event subprocess of `startEventId` inside `scopeId`; an interrupting one ends everything else there. */
export function startEventSubprocess(
  exec: Execution,
  scopeId: string,
  startEventId: string,
  variables: Variables,
): void {
  const start = exec.element(startEventId) as EventElement;
  const subprocess = exec.element(start.parentId) as ActivityElement;
  if (start.interrupting) {
    closeListeners(exec, scopeId);
    terminateTokensIn(exec, scopeId);
  }
  const owner = exec.addToken({ elementId: subprocess.id, scopeId });
  exec.history('element.entered', { elementId: subprocess.id, tokenId: owner.id });
  try {
    const inputs = subprocess.ioMapping?.inputs ?? [];
    const local = inputs.length > 0 ? evaluateMappings(exec, inputs, visibleVariables(exec, scopeId)) : {};
    const innerId = exec.newId();
    exec.putScope({
      id: innerId,
      elementId: subprocess.id,
      parentScopeId: scopeId,
      ownerTokenId: owner.id,
      variables: local,
    });
    // Its start listeners run once it is active (its inputs applied), before its start event.
    if (hasListeners(subprocess, 'start')) {
      runListener(exec, owner, { event: 'start', index: 0, eventStart: { startEventId, variables } });
      return;
    }
    enterEventSubprocess(exec, owner, startEventId, variables);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    raiseIncident(exec, owner, 'expression', error.message);
  }
}

/** The event subprocess's scope starts at the start event that fired (after its start listeners). */
export function enterEventSubprocess(
  exec: Execution,
  owner: LiveToken,
  startEventId: string,
  variables: Variables,
): void {
  const inner = exec.ownedScope(owner.id);
  if (!inner) throw new Error(`the event subprocess '${owner.elementId}' has no scope`);
  owner.wait = { kind: 'scope', scopeId: inner.id };
  armListeners(exec, inner.id);
  const first = exec.addToken({ elementId: startEventId, scopeId: inner.id, trigger: variables });
  exec.schedule(first);
}
