import { evaluateCondition } from '../expressions/feel.js';
import { ExpressionError } from '../errors.js';
import type { ActivityElement, MultiInstance } from '../model/types.js';
import { recordCompletion } from './compensation.js';
import type { Execution, LiveToken } from './execution.js';
import { finishElement, raiseIncident } from './flow.js';
import { closeScope, terminateTokensIn } from './terminate.js';
import type { JsonValue, Variables } from './types.js';
import { evaluateIn, propagateVariables, visibleVariables } from './variables.js';

/**
 * Multi-instance activities. The token that entered waits at the activity (the "body") and owns a
 * body scope with the bookkeeping (items, counters, collected outputs). Each iteration is a token
 * in the body scope at the same element, owning an iteration scope with `loopCounter` and the
 * input element; it runs the activity's own behavior. Boundary events belong to the body.
 */

const SIMPLE_NAME = /^[A-Za-z_$][\w$]*$/;

/** Whether this token is one iteration of a multi-instance activity (not its body). */
export function isIteration(exec: Execution, token: Readonly<LiveToken>, element: ActivityElement): boolean {
  const scope = exec.scopes.get(token.scopeId);
  return scope?.multiInstance !== undefined && scope.elementId === element.id;
}

function spec(element: ActivityElement): MultiInstance {
  if (element.loop?.kind !== 'multiInstance') throw new Error(`'${element.id}' is not multi-instance`);
  return element.loop;
}

/** Evaluates the input collection, opens the body scope and starts the first iteration(s). */
export function enterBody(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const loop = spec(element);
  const items = evaluateIn(exec, loop.inputCollection, token.scopeId);
  if (!Array.isArray(items)) {
    const source = loop.inputCollection.feel ? loop.inputCollection.source : loop.inputCollection.value;
    throw new ExpressionError(source, `the input collection must be a list, got ${JSON.stringify(items)}`);
  }
  const bodyId = exec.newId();
  exec.putScope({
    id: bodyId,
    elementId: element.id,
    parentScopeId: token.scopeId,
    ownerTokenId: token.id,
    variables: {},
    multiInstance: { items, nextIndex: 0, active: 0, completed: 0, outputs: [] },
  });
  token.wait = { kind: 'scope', scopeId: bodyId };
  if (items.length === 0) {
    completeBody(exec, token, element);
    return;
  }
  const count = loop.sequential ? 1 : items.length;
  for (let i = 0; i < count; i++) spawnIteration(exec, bodyId, element);
}

function spawnIteration(exec: Execution, bodyId: string, element: ActivityElement): void {
  const loop = spec(element);
  const body = exec.scope(bodyId);
  const mi = body.multiInstance;
  if (!mi) return;
  const index = mi.nextIndex;
  exec.putScope({ ...body, multiInstance: { ...mi, nextIndex: index + 1, active: mi.active + 1 } });
  const token = exec.addToken({ elementId: element.id, scopeId: bodyId, loopCounter: index + 1 });
  const variables: Variables = {};
  // Declared locally so a worker's result for it stays in this iteration (Zeebe does the same).
  if (loop.outputElement?.feel && SIMPLE_NAME.test(loop.outputElement.source))
    variables[loop.outputElement.source] = null;
  if (loop.inputElement) variables[loop.inputElement] = mi.items[index] ?? null;
  variables['loopCounter'] = index + 1;
  exec.putScope({
    id: exec.newId(),
    elementId: element.id,
    parentScopeId: bodyId,
    ownerTokenId: token.id,
    variables,
  });
  exec.schedule(token);
}

/** One iteration finished: collect its output, then start the next, or finish the body. */
export function completeIteration(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const loop = spec(element);
  const body = exec.scope(token.scopeId);
  const mi = body.multiInstance;
  if (!mi) return;
  const owned = exec.ownedScope(token.id);
  const iterationScopeId = owned?.id ?? token.scopeId;
  const active = mi.active - 1;
  const completed = mi.completed + 1;
  let output: JsonValue = null;
  let done = false;
  try {
    if (loop.outputCollection && loop.outputElement)
      output = evaluateIn(exec, loop.outputElement, iterationScopeId);
    if (loop.completionCondition) {
      const counters: Variables = {
        numberOfInstances: mi.items.length,
        numberOfActiveInstances: active,
        numberOfCompletedInstances: completed,
      };
      const variables = { ...visibleVariables(exec, iterationScopeId), ...counters };
      done = evaluateCondition(loop.completionCondition, variables, { now: exec.now });
    }
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    raiseIncident(exec, token, 'expression', error.message, { retry: 'complete', variables: {} });
    return;
  }
  recordCompletion(exec, token, element, true);
  if (owned) closeScope(exec, owned.id);
  exec.history('element.completed', {
    elementId: element.id,
    tokenId: token.id,
    data: { loopCounter: token.loopCounter ?? 0 },
  });
  exec.markCompleted(element.id);
  exec.removeToken(token.id);
  const outputs = loop.outputCollection
    ? withValueAt(mi.outputs, (token.loopCounter ?? 1) - 1, output)
    : mi.outputs;
  exec.putScope({ ...body, multiInstance: { ...mi, active, completed, outputs } });
  const bodyToken = body.ownerTokenId ? exec.token(body.ownerTokenId) : undefined;
  if (!bodyToken) return;
  if (done) {
    terminateTokensIn(exec, body.id);
    completeBody(exec, exec.edit(bodyToken.id), element);
  } else if (mi.nextIndex < mi.items.length) {
    if (loop.sequential) spawnIteration(exec, body.id, element);
  } else if (active === 0) {
    completeBody(exec, exec.edit(bodyToken.id), element);
  }
}

/** All iterations done (or the completion condition held): write the output collection and leave. */
export function completeBody(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const loop = spec(element);
  const body = exec.ownedScope(token.id);
  const mi = body?.multiInstance;
  if (body) closeScope(exec, body.id);
  token.wait = undefined;
  if (loop.outputCollection && mi) {
    const collected = mi.items.map((_, i) => mi.outputs[i] ?? null);
    propagateVariables(exec, token.scopeId, { [loop.outputCollection]: collected }, element.id);
  }
  finishElement(exec, token, element);
}

function withValueAt(values: readonly JsonValue[], index: number, value: JsonValue): JsonValue[] {
  const copy = [...values];
  while (copy.length < index) copy.push(null);
  copy[index] = value;
  return copy;
}
