import { evaluateCondition } from '../expressions/feel.js';
import { ExpressionError } from '../errors.js';
import type { ActivityElement, Element } from '../model/types.js';
import { recordCompletion } from './compensation.js';
import type { ElementBehavior, Execution, LiveToken } from './execution.js';
import { finishElement, raiseIncident } from './flow.js';
import { hasListeners, runListener, runStartListeners } from './listeners.js';
import { isActivity } from './model-index.js';
import { completeBody, completeIteration, enterBody, isIteration } from './multi-instance.js';
import { closeScope } from './terminate.js';
import { armTriggers } from './triggers.js';
import type { Scope, TriggerEntry, Variables } from './types.js';
import { evaluateMappings, ownScope, propagateVariables, visibleVariables } from './variables.js';

/**
 * The lifecycle every activity shares, around the kind-specific `run`:
 * enter -> arm boundary events -> (multi-instance body | loop) -> io inputs into an activity scope
 * -> run (create the task / job / child scope...) -> wait -> complete: outputs or propagation ->
 * release boundaries and the activity scope -> leave by the outgoing flows.
 */

/** The kind-specific part of an activity: create what it waits for, or complete at once. */
export type RunActivity = (exec: Execution, token: LiveToken, element: ActivityElement) => void;

/** Wraps an activity's `run` into a full element behavior. */
export function activityBehavior(run: RunActivity): ElementBehavior<ActivityElement> {
  return {
    enter: (exec, token, element) => enterActivity(exec, token, element, run),
    retry: (exec, token, element) => {
      if (element.loop?.kind === 'multiInstance' && !isIteration(exec, token, element)) {
        if (!exec.ownedScope(token.id)) enterBody(exec, token, element);
        return;
      }
      // The start listeners had completed before whatever failed: they do not run again.
      runInstance(exec, token, element, run, false);
    },
    started: (exec, token, element) => run(exec, token, element),
    scopeCompleted: (exec, token) => {
      token.wait = undefined;
      completeElement(exec, token, {});
    },
  };
}

function enterActivity(exec: Execution, token: LiveToken, element: ActivityElement, run: RunActivity): void {
  const iteration = isIteration(exec, token, element);
  const firstEntry = !iteration && token.loopCounter === undefined;
  if (firstEntry) armBoundaries(exec, token, element);
  if (!iteration && element.loop?.kind === 'multiInstance') {
    enterBody(exec, token, element);
    return;
  }
  if (element.loop?.kind === 'standardLoop' && token.loopCounter === undefined) {
    const loop = element.loop;
    if (loop.testBefore && !loopCondition(exec, token, element, undefined)) {
      finishElement(exec, token, element);
      return;
    }
    token.loopCounter = 1;
  }
  runInstance(exec, token, element, run);
}

/** Applies io inputs into the token's activity scope (created when needed), then runs the activity. */
export function runInstance(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  run: RunActivity,
  startListeners = true,
): void {
  const inputs = element.ioMapping?.inputs ?? [];
  // Start listeners set local variables of the activity (as Zeebe), so it gets a scope for them.
  const listening = startListeners && hasListeners(element, 'start');
  const context = exec.ownedScope(token.id)?.id ?? token.scopeId;
  const local =
    inputs.length > 0 ? evaluateMappings(exec, inputs, visibleVariables(exec, context)) : undefined;
  ownScope(exec, token, element.id, local, {
    create: element.kind === 'bpmn:SubProcess' || element.kind === 'bpmn:AdHocSubProcess' || listening,
  });
  if (listening && runStartListeners(exec, token)) return;
  run(exec, token, element);
}

/** The scope variables of an activity are read in: its own scope if it has one, else where the token is. */
export function activityScopeId(exec: Execution, token: Readonly<LiveToken>): string {
  return exec.ownedScope(token.id)?.id ?? token.scopeId;
}

function armBoundaries(exec: Execution, token: LiveToken, element: ActivityElement): void {
  if (element.boundaryEventIds.length === 0) return;
  const entries: TriggerEntry[] = [];
  try {
    for (const boundaryId of element.boundaryEventIds)
      armTriggers(exec, boundaryId, token.id, token.scopeId, entries);
  } finally {
    token.boundary = entries.length > 0 ? entries : undefined;
  }
}

/**
 * The element is done (task completed, message arrived, subprocess ran out of tokens...): apply
 * the completion variables, then release and leave. A failing output mapping parks the token in an
 * incident that resumes right here.
 */
export function completeElement(exec: Execution, token: LiveToken, variables: Variables): void {
  const element = exec.element(token.elementId);
  // An activity's scope, the input scope of a throw or end event's job (eventJobScope), or the
  // scope a catch event after an event-based gateway ran its start listeners in (listeners.ts).
  const owned = isActivity(element) || ownsScope(element) ? exec.ownedScope(token.id) : undefined;
  if (owned?.multiInstance && isActivity(element)) {
    completeBody(exec, token, element);
    return;
  }
  try {
    applyCompletionVariables(exec, token, element, owned, variables);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    raiseIncident(exec, token, 'expression', error.message, { retry: 'complete', variables });
    return;
  }
  if (hasListeners(element, 'end') && runListener(exec, token, { event: 'end', index: 0 })) return;
  continueCompletion(exec, token, element);
}

function ownsScope(element: Element): boolean {
  return (
    element.kind === 'bpmn:IntermediateThrowEvent' ||
    element.kind === 'bpmn:EndEvent' ||
    element.kind === 'bpmn:IntermediateCatchEvent'
  );
}

/**
 * After the completion variables and the end listeners: the next iteration or loop round, or
 * leave the element.
 */
export function continueCompletion(exec: Execution, token: LiveToken, element: Element): void {
  if (isActivity(element)) {
    if (isIteration(exec, token, element)) {
      completeIteration(exec, token, element);
      return;
    }
    if (element.loop?.kind === 'standardLoop' && repeatLoop(exec, token, element)) return;
  }
  finishElement(exec, token, element);
}

function applyCompletionVariables(
  exec: Execution,
  token: LiveToken,
  element: Element,
  owned: Scope | undefined,
  variables: Variables,
): void {
  const outputs = element.ioMapping?.outputs ?? [];
  if (outputs.length > 0) {
    const context = { ...visibleVariables(exec, owned?.id ?? token.scopeId), ...variables };
    // Zeebe writes an iteration's outputs from the iteration's own scope, where the output
    // element is declared, so the multi-instance body collects them (not nulls).
    const iteration = owned && isActivity(element) && isIteration(exec, token, element);
    const from = iteration ? owned.id : token.scopeId;
    propagateVariables(exec, from, evaluateMappings(exec, outputs, context), element.id);
  } else {
    propagateVariables(exec, owned?.id ?? token.scopeId, variables, element.id);
  }
}

function repeatLoop(exec: Execution, token: LiveToken, element: ActivityElement): boolean {
  const loop = element.loop;
  if (loop?.kind !== 'standardLoop') return false;
  const counter = token.loopCounter ?? 1;
  if (loop.maximum !== undefined && counter >= loop.maximum) return false;
  let again: boolean;
  try {
    again = loopCondition(exec, token, element, counter);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    raiseIncident(exec, token, 'expression', error.message, { retry: 'complete', variables: {} });
    return true;
  }
  if (!again) return false;
  // Each pass of a loop is a completion of its own, compensated once each.
  recordCompletion(exec, token, element, false);
  const owned = exec.ownedScope(token.id);
  if (owned) closeScope(exec, owned.id);
  exec.history('element.completed', {
    elementId: element.id,
    tokenId: token.id,
    data: { loopCounter: counter },
  });
  token.loopCounter = counter + 1;
  // Through the queue, not recursion: a loop of pass-through tasks must not grow the stack.
  exec.schedule(token);
  return true;
}

function loopCondition(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  counter: number | undefined,
): boolean {
  const loop = element.loop;
  if (loop?.kind !== 'standardLoop') return false;
  if (!loop.condition) return loop.maximum !== undefined;
  const variables = visibleVariables(exec, activityScopeId(exec, token));
  return evaluateCondition(loop.condition, { ...variables, loopCounter: counter ?? 0 }, { now: exec.now });
}
