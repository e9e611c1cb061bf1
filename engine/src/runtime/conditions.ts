import { resolveExpr } from '../expressions/feel.js';
import { ExpressionError } from '../errors.js';
import type {
  BoundaryEventElement,
  ConditionalFilter,
  Element,
  EventDefinition,
  EventElement,
  Expr,
  ProcessModel,
} from '../model/types.js';
import { activityScopeId, completeElement } from './activity.js';
import { fireAnyEvent, fireBoundary, fireEventGateway } from './catching.js';
import { deliverTrigger } from './delivery.js';
import { fireListener } from './event-subprocess.js';
import type { ConditionTracker, Execution } from './execution.js';
import { drain, raiseIncident } from './flow.js';
import { isParallelMultiple } from './parallel-multiple.js';
import { entryDefinition } from './triggers.js';
import type { JsonValue, TriggerEntry } from './types.js';
import { visibleVariables } from './variables.js';

/**
 * Conditional events: a FEEL condition over the variables an event can see.
 *
 * - An intermediate catch event evaluates its condition when the token arrives and passes at once
 *   when it holds; otherwise the token waits (`wait: condition`).
 * - Boundary events, event subprocess starts and the conditional targets of an event-based gateway
 *   are trigger entries without any row outside the instance (`TriggerEntry` with neither job nor
 *   subscription), armed with their activity or scope.
 * - At the end of every step in which variables visible to a waiting condition changed (task or
 *   job completion, set variables, a message's payload, output mappings), or in which a condition
 *   was armed, the step evaluates those conditions, fires the ones that hold and runs the tokens
 *   that moved; then again, while firing changed variables. All of it happens inside the step, on
 *   the state in memory: no extra read, and for a model without conditional events nothing runs.
 * - `zeebe:conditionalFilter` narrows the evaluations after variable changes (not the one on
 *   arrival or activation): only a change in the event's scope (or a scope around it) of one of
 *   its `variableNames`, by one of its `variableEvents` (`create`: the variable was not defined in
 *   that scope; `update`: it was, and its value differs). The changed names are tracked only for
 *   models that have a filter.
 * - A conditional definition of a multiple catch, boundary or event subprocess start event is one
 *   of its trigger entries (carrying the definition's index) and is evaluated the same way: when
 *   it holds, the event fires as for its other definitions (the rest is cancelled); in a parallel
 *   multiple one it is recorded as happened (`fired`, runtime/parallel-multiple.ts) and is not
 *   evaluated again until the event has triggered and is armed anew.
 * - Edge-triggered: an interrupting event fires when its condition holds (it was false until
 *   then, or it would have fired). A non-interrupting one remembers the last result (`met`) and
 *   fires again only after the condition was false and turned true again.
 *
 * Results: `true` holds; `false` and `null` (FEEL's answer for a missing variable) do not; any
 * other value (a number, string, list, context) is an `expression` incident on the waiting event,
 * as is an evaluation error or an exhausted FEEL budget. A failing boundary or start condition
 * stops being evaluated until its incident is retried; the activity or scope runs on meanwhile.
 */

const modelsWithConditions = new WeakMap<ProcessModel, boolean>();

/** Whether any event of the model is conditional (computed once per model). */
export function hasConditionalEvents(model: ProcessModel): boolean {
  let found = modelsWithConditions.get(model);
  if (found === undefined) {
    found = Object.values(model.elements).some(isConditional);
    modelsWithConditions.set(model, found);
  }
  return found;
}

const modelsWithFilters = new WeakMap<ProcessModel, boolean>();

/**
 * The tracker a step keeps for conditional events: none for a model without them (variable writes
 * then cost nothing), and the changed names only for a model with a `zeebe:conditionalFilter`.
 */
export function conditionTracker(model: ProcessModel): ConditionTracker | undefined {
  if (!hasConditionalEvents(model)) return undefined;
  let filtered = modelsWithFilters.get(model);
  if (filtered === undefined) {
    filtered = Object.values(model.elements).some((element) => filterOf(element) !== undefined);
    modelsWithFilters.set(model, filtered);
  }
  return { changed: new Set(), armed: new Set(), ...(filtered ? { names: new Map() } : {}) };
}

/** The conditional definitions of an element: its event, or those among a multiple event's. */
function conditionalsOf(element: Element): Extract<EventDefinition, { kind: 'conditional' }>[] {
  if (!('event' in element)) return [];
  const definitions = 'multiple' in element && element.multiple ? element.multiple : [element.event];
  return definitions.filter(
    (definition): definition is Extract<EventDefinition, { kind: 'conditional' }> =>
      definition.kind === 'conditional',
  );
}

function filterOf(element: Element): ConditionalFilter | undefined {
  return conditionalsOf(element).find((definition) => definition.filter !== undefined)?.filter;
}

function isConditional(element: Element): boolean {
  return conditionalsOf(element).length > 0;
}

/** The condition of a conditional event element (a single event, not a multiple one). */
function conditionOf(element: Element): Expr | undefined {
  return 'event' in element && element.event.kind === 'conditional' ? element.event.condition : undefined;
}

/** The conditional definition a trigger entry waits for, if it waits for one. */
function entryConditional(
  exec: Execution,
  entry: TriggerEntry,
): Extract<EventDefinition, { kind: 'conditional' }> | undefined {
  const definition = entryDefinition(exec, entry);
  return definition?.kind === 'conditional' ? definition : undefined;
}

/**
 * Evaluates a condition: true when it holds, false when not; throws `ExpressionError` when it
 * fails or gives something other than a boolean or null.
 */
export function conditionHolds(exec: Execution, condition: Expr, scopeId: string): boolean {
  return isMet(resolveExpr(condition, visibleVariables(exec, scopeId), { now: exec.now }), condition);
}

/** The meaning of a condition's result (see the module comment); shared with conditional start events. */
export function isMet(value: JsonValue, condition: Expr): boolean {
  if (value === true) return true;
  if (value === false || value === null) return false;
  const source = condition.feel ? condition.source : condition.value;
  throw new ExpressionError(
    source,
    `a condition must give true, false or null, got ${JSON.stringify(value).slice(0, 200)}`,
  );
}

/** Most rounds of evaluate-fire-move in one step: a process that keeps flipping its own condition stops here. */
const MAX_ROUNDS = 1_000;

/** Runs conditional events after the step's tokens settled; a no-op unless the step tracks conditions. */
export function settleConditions(exec: Execution): void {
  const tracker = exec.conditions;
  if (!tracker) return;
  for (let round = 0; tracker.changed.size > 0 || tracker.armed.size > 0; round++) {
    if (exec.status !== 'active') return;
    if (round >= MAX_ROUNDS)
      throw new Error(
        `Process '${exec.index.model.id}' changed the variables of its conditional events ${MAX_ROUNDS} times in one step`,
      );
    const changed = new Set(tracker.changed);
    const armed = new Set(tracker.armed);
    const names = tracker.names && new Map(tracker.names);
    tracker.changed.clear();
    tracker.armed.clear();
    tracker.names?.clear();
    for (const candidate of candidates(exec, changed, armed, names)) {
      if (exec.status !== 'active') return;
      evaluateCandidate(exec, candidate);
    }
    drain(exec);
  }
}

/** A waiting condition: a token at a conditional catch event, or a trigger entry of a token or scope. */
type Candidate =
  | { readonly kind: 'wait'; readonly tokenId: string }
  | {
      readonly kind: 'entry';
      readonly tokenId: string;
      readonly elementId: string;
      readonly definition: number | undefined;
    }
  | {
      readonly kind: 'listener';
      readonly scopeId: string;
      readonly elementId: string;
      readonly definition: number | undefined;
    };

/** Outer scopes' event subprocesses first, so an interrupting one ends what it encloses before that fires. */
function candidates(
  exec: Execution,
  changed: ReadonlySet<string>,
  armed: ReadonlySet<string>,
  names: ReadonlyMap<string, ReadonlySet<string>> | undefined,
): Candidate[] {
  // Whether a change in the scope or a scope around it concerns the event: any change, or under a
  // `zeebe:conditionalFilter` one of its names changed by one of its kinds of change.
  const sees = (scopeId: string, filter: ConditionalFilter | undefined): boolean => {
    for (let id: string | null = scopeId; id !== null; ) {
      if (changed.has(id) && (!filter || matches(filter, names?.get(id)))) return true;
      id = exec.scopes.get(id)?.parentScopeId ?? null;
    }
    return false;
  };
  const found: Candidate[] = [];
  for (const scope of exec.scopes.values()) {
    for (const entry of scope.listeners ?? []) {
      const conditional = conditionalEntry(exec, entry);
      if (!conditional) continue;
      if (armed.has(key(scope.id, entry.elementId)) || sees(scope.id, conditional.filter))
        found.push({
          kind: 'listener',
          scopeId: scope.id,
          elementId: entry.elementId,
          definition: entry.definition,
        });
    }
  }
  for (const token of exec.tokens.values()) {
    if (token.wait?.kind === 'condition') {
      if (sees(token.scopeId, filterOf(exec.element(token.elementId))))
        found.push({ kind: 'wait', tokenId: token.id });
      continue;
    }
    const scopeId = entryScopeId(exec, token.id);
    for (const entry of token.boundary ?? []) {
      const conditional = conditionalEntry(exec, entry);
      if (!conditional) continue;
      if (armed.has(key(token.id, entry.elementId)) || sees(scopeId, conditional.filter))
        found.push({
          kind: 'entry',
          tokenId: token.id,
          elementId: entry.elementId,
          definition: entry.definition,
        });
    }
  }
  return found;
}

function matches(filter: ConditionalFilter, changes: ReadonlySet<string> | undefined): boolean {
  if (!changes) return false;
  for (const change of changes) {
    const at = change.indexOf('\u0000');
    const kind = change.slice(0, at) as 'create' | 'update';
    const name = change.slice(at + 1);
    if (
      (!filter.variableNames || filter.variableNames.includes(name)) &&
      (!filter.variableEvents || filter.variableEvents.includes(kind))
    )
      return true;
  }
  return false;
}

function key(ownerId: string, elementId: string): string {
  return `${ownerId}\u0000${elementId}`;
}

/** The condition an entry waits for: none for a job, a subscription or an occurrence already recorded. */
function conditionalEntry(
  exec: Execution,
  entry: TriggerEntry,
): Extract<EventDefinition, { kind: 'conditional' }> | undefined {
  if (entry.jobId !== undefined || entry.subscriptionId !== undefined || entry.fired) return undefined;
  return entryConditional(exec, entry);
}

function sameEntry(
  candidate: { elementId: string; definition: number | undefined },
  entry: TriggerEntry,
): boolean {
  return entry.elementId === candidate.elementId && entry.definition === candidate.definition && !entry.fired;
}

/**
 * Where a token's entries see variables: a boundary event sees its activity's own scope (io inputs,
 * a subprocess's variables); an event-based gateway's targets see the gateway's scope.
 */
function entryScopeId(exec: Execution, tokenId: string): string {
  const token = exec.token(tokenId);
  if (!token) return '';
  if (token.wait?.kind === 'eventGateway' || token.wait?.kind === 'anyEvent') return token.scopeId;
  return activityScopeId(exec, token);
}

function evaluateCandidate(exec: Execution, candidate: Candidate): void {
  switch (candidate.kind) {
    case 'wait': {
      const token = exec.token(candidate.tokenId);
      if (token?.wait?.kind !== 'condition') return;
      const condition = conditionOf(exec.element(token.elementId));
      if (!condition) return;
      let holds: boolean;
      try {
        holds = conditionHolds(exec, condition, token.scopeId);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        raiseIncident(exec, exec.edit(token.id), 'expression', error.message);
        return;
      }
      if (!holds) return;
      const moving = exec.edit(token.id);
      moving.wait = undefined;
      completeElement(exec, moving, {});
      return;
    }
    case 'entry': {
      const token = exec.token(candidate.tokenId);
      const entry = token?.boundary?.find((other) => sameEntry(candidate, other));
      if (!token || !entry || entry.incidentId) return;
      const outcome = evaluateEntry(exec, entry, candidate.tokenId, entryScopeId(exec, token.id));
      if (outcome === 'fire') fireTokenEntry(exec, token.id, entry);
      else if (outcome !== entry) replaceTokenEntry(exec, token.id, entry, outcome);
      return;
    }
    case 'listener': {
      const scope = exec.scopes.get(candidate.scopeId);
      const entry = scope?.listeners?.find((other) => sameEntry(candidate, other));
      if (!scope || !entry || entry.incidentId) return;
      const outcome = evaluateEntry(exec, entry, scope.id, scope.id);
      if (outcome === 'fire') fireScopeListener(exec, scope.id, entry);
      else if (outcome !== entry) replaceListener(exec, scope.id, entry, outcome);
      return;
    }
  }
}

/** 'fire', or the entry as it should be kept (with `met` or an incident recorded). */
function evaluateEntry(
  exec: Execution,
  entry: TriggerEntry,
  ownerId: string,
  scopeId: string,
): 'fire' | TriggerEntry {
  const element = exec.element(entry.elementId);
  const condition = entryConditional(exec, entry)?.condition;
  if (!condition) return entry;
  let holds: boolean;
  try {
    holds = conditionHolds(exec, condition, scopeId);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    const incidentId = exec.newId();
    exec.emit({
      type: 'incident.raise',
      incidentId,
      elementId: entry.elementId,
      tokenId: ownerId,
      incidentType: 'expression',
      message: error.message,
    });
    exec.history('incident.raised', {
      elementId: entry.elementId,
      tokenId: ownerId,
      data: { incidentId, incidentType: 'expression', message: error.message },
    });
    return { ...entry, incidentId };
  }
  const repeats = !interrupts(element);
  if (!holds) return repeats && entry.met ? withMet(entry, false) : entry;
  if (repeats && entry.met) return entry;
  return 'fire';
}

function interrupts(element: Element): boolean {
  if (element.kind === 'bpmn:BoundaryEvent') return (element as BoundaryEventElement).cancelActivity;
  if (element.kind === 'bpmn:StartEvent') return (element as EventElement).interrupting;
  return true;
}

function withMet(entry: TriggerEntry, met: boolean): TriggerEntry {
  const { met: _previous, incidentId: _resolved, ...rest } = entry;
  return met ? { ...rest, met } : rest;
}

function fireTokenEntry(exec: Execution, tokenId: string, entry: TriggerEntry): void {
  const token = exec.token(tokenId);
  if (token && isParallelMultiple(exec.element(entry.elementId)) && token.wait?.kind !== 'eventGateway') {
    // One definition of several that must all happen: recorded; the event may trigger now.
    deliverTrigger(exec, { kind: 'entry', token, entry }, {});
    return;
  }
  const wait = token?.wait?.kind;
  if (wait === 'eventGateway') {
    fireEventGateway(exec, tokenId, entry, {});
    return;
  }
  if (wait === 'anyEvent') {
    fireAnyEvent(exec, tokenId, entry, {});
    return;
  }
  fireBoundary(exec, tokenId, entry.elementId, {}, entry);
  // A non-interrupting boundary stays armed, remembering that its condition holds.
  const activity = exec.token(tokenId);
  if (activity && !interrupts(exec.element(entry.elementId))) {
    const editable = exec.edit(tokenId);
    editable.boundary = [...(editable.boundary ?? []), withMet(entry, true)];
  }
}

function fireScopeListener(exec: Execution, scopeId: string, entry: TriggerEntry): void {
  fireListener(exec, scopeId, entry, {});
  // A parallel multiple one was recorded, or triggered and armed anew (runtime/parallel-multiple.ts).
  if (isParallelMultiple(exec.element(entry.elementId))) return;
  const scope = exec.scopes.get(scopeId);
  if (scope && !interrupts(exec.element(entry.elementId)))
    exec.putScope({ ...scope, listeners: [...(scope.listeners ?? []), withMet(entry, true)] });
}

function replaceTokenEntry(exec: Execution, tokenId: string, entry: TriggerEntry, next: TriggerEntry): void {
  const token = exec.edit(tokenId);
  token.boundary = (token.boundary ?? []).map((other) => (other === entry ? next : other));
}

function replaceListener(exec: Execution, scopeId: string, entry: TriggerEntry, next: TriggerEntry): void {
  const scope = exec.scope(scopeId);
  exec.putScope({
    ...scope,
    listeners: (scope.listeners ?? []).map((other) => (other === entry ? next : other)),
  });
}

/**
 * `incident.retry` of a failed boundary or event subprocess condition: resolves the incident and
 * evaluates the condition again at the end of this step. False when no entry holds the incident.
 */
export function retryConditionIncident(exec: Execution, incidentId: string): boolean {
  for (const token of exec.tokens.values()) {
    const entry = token.boundary?.find((other) => other.incidentId === incidentId);
    if (!entry) continue;
    resolve(exec, entry, token.id, incidentId);
    replaceTokenEntry(exec, token.id, entry, withMet(entry, entry.met === true));
    return true;
  }
  for (const scope of exec.scopes.values()) {
    const entry = scope.listeners?.find((other) => other.incidentId === incidentId);
    if (!entry) continue;
    resolve(exec, entry, scope.id, incidentId);
    replaceListener(exec, scope.id, entry, withMet(entry, entry.met === true));
    return true;
  }
  return false;
}

function resolve(exec: Execution, entry: TriggerEntry, ownerId: string, incidentId: string): void {
  exec.emit({ type: 'incident.resolve', incidentId });
  exec.history('incident.resolved', { elementId: entry.elementId, tokenId: ownerId, data: { incidentId } });
  exec.conditions?.armed.add(key(ownerId, entry.elementId));
}
