import { completeElement } from './activity.js';
import { fireAnyEvent, fireBoundary, fireEventGateway } from './catching.js';
import { fireListener } from './event-subprocess.js';
import type { Execution, LiveToken } from './execution.js';
import { armedAgain, isParallelMultiple, recordOccurrence } from './parallel-multiple.js';
import { armTriggers, entryDefinition } from './triggers.js';
import type { Scope, TriggerEntry, Variables } from './types.js';

/**
 * An event this instance waits for happened: a timer fired, a message was correlated, a signal
 * came, from outside (a command) or from a signal thrown inside this very instance.
 */

/** Where a job or subscription of this instance is held. */
export type TriggerOwner =
  | { readonly kind: 'token'; readonly token: Readonly<LiveToken> }
  | { readonly kind: 'entry'; readonly token: Readonly<LiveToken>; readonly entry: TriggerEntry }
  | { readonly kind: 'listener'; readonly scope: Scope; readonly entry: TriggerEntry };

/** Finds who holds a job (timer) or subscription: a waiting token, a boundary/gateway entry, or a scope listener. */
export function findTriggerOwner(
  exec: Execution,
  key: 'jobId' | 'subscriptionId',
  id: string,
): TriggerOwner | undefined {
  for (const token of exec.tokens.values()) {
    // Only timers are fired this way; a service job reports through job.* commands.
    const wait =
      token.wait?.kind === 'job'
        ? undefined
        : (token.wait as { jobId?: string; subscriptionId?: string } | undefined);
    if (wait?.[key] === id) return { kind: 'token', token };
    const entry = token.boundary?.find((candidate) => candidate[key] === id);
    if (entry) return { kind: 'entry', token, entry };
  }
  for (const scope of exec.scopes.values()) {
    const entry = scope.listeners?.find((candidate) => candidate[key] === id);
    if (entry) return { kind: 'listener', scope, entry };
  }
  return undefined;
}

/** Lets the owner of a trigger react: the waiting element completes, a boundary / gateway / event subprocess fires. */
export function deliverTrigger(exec: Execution, owner: TriggerOwner, variables: Variables): void {
  switch (owner.kind) {
    case 'token': {
      const token = exec.edit(owner.token.id);
      const wait = token.wait;
      if (wait?.kind === 'message')
        exec.emit({ type: 'message.unsubscribe', subscriptionId: wait.subscriptionId });
      if (wait?.kind === 'signal')
        exec.emit({ type: 'signal.unsubscribe', subscriptionId: wait.subscriptionId });
      token.wait = undefined;
      completeElement(exec, token, variables);
      return;
    }
    case 'entry':
      if (
        isParallelMultiple(exec.element(owner.entry.elementId)) &&
        owner.token.wait?.kind !== 'eventGateway'
      )
        deliverParallelMultiple(exec, owner.token, owner.entry, variables);
      else if (owner.token.wait?.kind === 'eventGateway')
        fireEventGateway(exec, owner.token.id, owner.entry, variables);
      else if (owner.token.wait?.kind === 'anyEvent')
        fireAnyEvent(exec, owner.token.id, owner.entry, variables);
      else fireBoundary(exec, owner.token.id, owner.entry.elementId, variables, owner.entry);
      return;
    case 'listener':
      fireListener(exec, owner.scope.id, owner.entry, variables);
      return;
  }
}

/**
 * A signal thrown in this instance reaches the instance's own catch events inside the step, as
 * BPMN orders it: the signal is out before the throwing token moves on, so a signal end event
 * inside a subprocess triggers the subprocess's own signal boundary event. Every catch event
 * waiting when the signal is thrown gets it once; one that an earlier catch interrupted does not.
 * Other instances get it from the `signal.broadcast` effect, after this step is saved.
 */
export function catchSignalHere(exec: Execution, signalName: string, variables: Variables): void {
  const waiting: string[] = [];
  const listens = (entry: TriggerEntry): void => {
    if (entry.subscriptionId && subscribedSignal(exec, entry) === signalName)
      waiting.push(entry.subscriptionId);
  };
  for (const token of exec.tokens.values()) {
    const wait = token.wait;
    if (wait?.kind === 'signal') listens({ elementId: token.elementId, ...wait });
    for (const entry of token.boundary ?? []) listens(entry);
  }
  for (const scope of exec.scopes.values()) for (const entry of scope.listeners ?? []) listens(entry);
  for (const subscriptionId of waiting) {
    const owner = findTriggerOwner(exec, 'subscriptionId', subscriptionId);
    if (owner && exec.status === 'active') deliverTrigger(exec, owner, variables);
  }
}

/** The signal name a subscription listens for (a state saved before names were recorded: the static name). */
function subscribedSignal(exec: Execution, entry: TriggerEntry): string | undefined {
  if (entry.signalName !== undefined) return entry.signalName;
  const event = entryDefinition(exec, entry);
  if (event?.kind !== 'signal') return undefined;
  return event.signalName.feel ? undefined : event.signalName.value;
}

/**
 * One event of a parallel multiple catch or boundary event happened: nothing moves until every
 * one has. Then the catch event completes, or the boundary event fires (a non-interrupting one
 * waits for all of them again).
 */
function deliverParallelMultiple(
  exec: Execution,
  owner: Readonly<LiveToken>,
  entry: TriggerEntry,
  variables: Variables,
): void {
  const token = exec.edit(owner.id);
  const all = recordOccurrence(exec, token, entry, variables);
  if (!all) return;
  if (token.wait?.kind === 'anyEvent') {
    token.wait = undefined;
    completeElement(exec, token, all);
    return;
  }
  fireBoundary(exec, token.id, entry.elementId, all);
  const still = exec.token(token.id);
  if (!still) return;
  const again: TriggerEntry[] = [];
  armTriggers(exec, entry.elementId, still.id, still.scopeId, again);
  const edited = exec.edit(still.id);
  edited.boundary = [...(edited.boundary ?? []), ...armedAgain(exec, again)];
}
