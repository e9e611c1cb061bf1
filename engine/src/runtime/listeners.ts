import { ExpressionError } from '../errors.js';
import type { Element, ElementKind, Expr, ListenerSpec } from '../model/types.js';
import type { BehaviorRegistry, ElementBehavior, Execution, LiveToken } from './execution.js';
import { raiseIncident } from './incidents.js';
import { isActivity, isActivityKind } from './model-index.js';
import type { JsonValue, PendingListener, TaskCorrections } from './types.js';
import { evaluateIn, ownScope, visibleVariables } from './variables.js';

/**
 * Execution and task listeners, as Zeebe runs them: each listener is an ordinary worker job of
 * its `type`, one after another in model order; the element waits for each (`wait.kind =
 * 'listener'`). Start listeners run after the input mappings and before the element's own
 * behaviour; end listeners after the output mappings, before the token leaves. The process's start
 * listeners run before its start event, its end listeners once it has run out of tokens, before
 * it completes (`flow.ts`); their variables are the process's. Task listeners
 * run before a user task is created (`creating`), before a change of its assignee takes effect
 * (`assigning`), before a change of its dates, priority or candidates takes effect (`updating`)
 * and before a completion takes effect (`completing`). Continuing after a listener job is
 * `commands/listener-jobs.ts`'s part.
 */

/** The listeners of an element for one event, in model order. */
export function listenersOf(element: Element, event: PendingListener['event']): readonly ListenerSpec[] {
  if (event === 'start' || event === 'end') return element.executionListeners?.[event] ?? [];
  return (isActivity(element) ? element.userTask?.taskListeners?.[event] : undefined) ?? [];
}

/** Whether the element has listeners for this event. */
export function hasListeners(element: Element, event: PendingListener['event']): boolean {
  return listenersOf(element, event).length > 0;
}

/**
 * Creates the job of the listener at `pending.index` and parks the token on it. Returns false
 * when no listener is left at that index (the caller goes on). A type or retries that do not
 * evaluate park the token in an incident whose retry runs every listener of the event again, as
 * Zeebe does; true then too.
 */
export function runListener(
  exec: Execution,
  token: LiveToken,
  pending: PendingListener,
  headers: Readonly<Record<string, string>> = {},
): boolean {
  const element = exec.element(token.elementId);
  const model = exec.index.model;
  const spec = (
    pending.process && (pending.event === 'start' || pending.event === 'end')
      ? (model.executionListeners?.[pending.event] ?? [])
      : listenersOf(element, pending.event)
  )[pending.index];
  if (!spec) return false;
  const scopeId = exec.ownedScope(token.id)?.id ?? token.scopeId;
  let jobType: string;
  let retries: number;
  try {
    jobType = evaluateType(exec, spec.type, scopeId);
    retries = evaluateRetries(exec, spec.retries, scopeId);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    const { corrections: _dropped, ...restart } = pending;
    raiseIncident(exec, token, 'expression', `${pending.event} listener: ${error.message}`, {
      listener: { ...restart, index: 0 },
    });
    return true;
  }
  const taskListener = pending.event !== 'start' && pending.event !== 'end';
  const jobId = exec.newId();
  const elementHeaders = !pending.process && 'headers' in element ? element.headers : undefined;
  const merged = { ...(elementHeaders ?? {}), ...(spec.headers ?? {}), ...headers };
  exec.emit({
    type: 'job.create',
    job: {
      id: jobId,
      kind: 'service',
      // A process's listener job is its start event's (start) or the element's that ended last (end),
      // where its token waits and an incident shows (Zeebe: the process's).
      elementId: element.id,
      tokenId: token.id,
      dueAt: null,
      jobType,
      retries,
      ...(Object.keys(merged).length > 0 ? { headers: merged } : {}),
      variables: visibleVariables(exec, scopeId),
      listener: { kind: taskListener ? 'taskListener' : 'executionListener', eventType: pending.event },
    },
  });
  token.wait = { kind: 'listener', jobId, listener: pending };
  return true;
}

function evaluateType(exec: Execution, expr: Expr, scopeId: string): string {
  const value = evaluateIn(exec, expr, scopeId);
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new ExpressionError(
    source(expr),
    `the job type must be a non-empty string, got ${JSON.stringify(value)}`,
  );
}

function evaluateRetries(exec: Execution, expr: Expr, scopeId: string): number {
  const value: JsonValue = evaluateIn(exec, expr, scopeId);
  const retries = typeof value === 'string' ? Number(value) : value;
  if (typeof retries === 'number' && Number.isInteger(retries) && retries >= 0 && retries <= 1000)
    return retries;
  throw new ExpressionError(
    source(expr),
    `retries must be a whole number from 0 to 1000, got ${JSON.stringify(value)}`,
  );
}

function source(expr: Expr): string {
  return expr.feel ? expr.source : expr.value;
}

/** Merges a listener's corrections over those of the listeners before it. */
export function mergeCorrections(
  before: TaskCorrections | undefined,
  next: TaskCorrections | undefined,
): TaskCorrections | undefined {
  if (!next) return before;
  return { ...(before ?? {}), ...next };
}

/**
 * Runs the first start listener of the token's element. An element entered with its event already
 * happened (`token.trigger`: after an event-based gateway, or where a message started the
 * instance) keeps the event's variables in the listener it waits for, so they survive while the
 * listeners run (in the persisted state too); it completes with them once they are done
 * (`commands/listener-jobs.ts`). False when the element has no start listener.
 */
export function runStartListeners(exec: Execution, token: LiveToken): boolean {
  const trigger = token.trigger;
  const ran = runListener(exec, token, {
    event: 'start',
    index: 0,
    ...(trigger === undefined ? {} : { trigger }),
  });
  if (ran) token.trigger = undefined;
  return ran;
}

/**
 * Gives events and gateways their start listeners: before the behaviour runs, the token waits for
 * each start listener's job; `started` is the behaviour itself, run once they are done. An incident
 * retry runs the behaviour alone (the listeners had completed). Activities run theirs after their
 * input mappings (`activity.ts`). A catch event entered with its event already happened (after an
 * event-based gateway) runs its start listeners in a scope of its own (their variables are its
 * local variables, which its output mappings see), then completes with the event's variables.
 */
export function withStartListeners(registry: BehaviorRegistry): BehaviorRegistry {
  const wrapped: Partial<Record<ElementKind, ElementBehavior>> = {};
  for (const kind of Object.keys(registry) as ElementKind[]) {
    const behavior = registry[kind] as ElementBehavior;
    if (isActivityKind(kind)) {
      wrapped[kind] = behavior;
      continue;
    }
    wrapped[kind] = {
      ...behavior,
      enter: (exec, token, element) => {
        if (hasListeners(element, 'start')) {
          if (token.trigger !== undefined) ownScope(exec, token, element.id, undefined, { create: true });
          runStartListeners(exec, token);
          return;
        }
        behavior.enter(exec, token, element);
      },
      retry: behavior.retry ?? behavior.enter,
      started: behavior.enter,
    };
  }
  return wrapped as BehaviorRegistry;
}
