import { type WorkingTime, WorkingTimeError } from '../calendar/calendar.js';
import { nextCycleDue, timerDue } from '../expressions/timer.js';
import { ExpressionError } from '../errors.js';
import type { Element, EventDefinition, Expr, TimerDefinition } from '../model/types.js';
import type { Execution } from './execution.js';
import type { JsonValue, TriggerEntry } from './types.js';
import { evaluateIn } from './variables.js';
import { workingTimeOf } from './working-time.js';

/**
 * Timer jobs and message/signal subscriptions that wait for an event on someone's behalf: an
 * intermediate catch event, a boundary event, an event-based gateway's targets, an event
 * subprocess start. `ownerId` (a token id, or the scope id for event subprocess listeners) goes
 * into the effect's `tokenId` so the shell can route the event back.
 */

/** The event a catching element waits for (receive tasks wait for their message). */
export function catchDefinition(element: Element): EventDefinition | undefined {
  if ('event' in element) return element.event;
  if (element.kind === 'bpmn:ReceiveTask' && element.message) return { kind: 'message', ...element.message };
  return undefined;
}

/** The event definition a trigger entry waits for (one of a multiple event's, by index). */
export function entryDefinition(exec: Execution, entry: TriggerEntry): EventDefinition | undefined {
  const element = exec.element(entry.elementId);
  if (entry.definition !== undefined && 'multiple' in element) return element.multiple?.[entry.definition];
  return catchDefinition(element);
}

/** Creates the job or subscription for a timer/message/signal event; undefined for other kinds. */
export function armTrigger(
  exec: Execution,
  elementId: string,
  ownerId: string,
  scopeId: string,
): TriggerEntry | undefined {
  const event = catchDefinition(exec.element(elementId));
  return event ? armDefinition(exec, elementId, event, undefined, ownerId, scopeId) : undefined;
}

/** Like `armTrigger`, for every event a multiple event waits for (each entry carries its index). */
export function armTriggers(
  exec: Execution,
  elementId: string,
  ownerId: string,
  scopeId: string,
  entries: TriggerEntry[],
): void {
  const element = exec.element(elementId);
  const multiple = 'multiple' in element ? element.multiple : undefined;
  if (!multiple) {
    const entry = armTrigger(exec, elementId, ownerId, scopeId);
    if (entry) entries.push(entry);
    return;
  }
  multiple.forEach((event, index) => {
    const entry = armDefinition(exec, elementId, event, index, ownerId, scopeId);
    if (entry) entries.push(entry);
  });
}

function armDefinition(
  exec: Execution,
  elementId: string,
  event: EventDefinition,
  index: number | undefined,
  ownerId: string,
  scopeId: string,
): TriggerEntry | undefined {
  const definition = index === undefined ? {} : { definition: index };
  switch (event.kind) {
    case 'timer': {
      const value = timerValue(exec, event.timer, scopeId);
      // Out-of-range or too-frequent values from FEEL or variables end here as an incident.
      const working =
        event.timer.type === 'duration'
          ? workingTimeOf(exec.ctx, exec.index.model, exec.index.element(elementId))
          : undefined;
      const due = working
        ? workingDue(working, value, exec.now)
        : timerDue(event.timer.type, value, exec.now);
      if (typeof due === 'string')
        throw new ExpressionError(
          exprText(event.timer.expr),
          `not a valid timer ${event.timer.type}: ${due}`,
        );
      return {
        ...createTimerJob(
          exec,
          elementId,
          ownerId,
          value,
          event.timer.type === 'cycle',
          due.dueAt,
          due.remaining,
        ),
        ...definition,
      };
    }
    case 'message': {
      const messageName = text(
        evaluateIn(exec, event.messageName, scopeId),
        event.messageName,
        'message name',
      );
      const key = event.correlationKey ? evaluateIn(exec, event.correlationKey, scopeId) : null;
      const correlationKey = key === null ? null : text(key, event.correlationKey as Expr, 'correlation key');
      const subscriptionId = exec.newId();
      exec.emit({
        type: 'message.subscribe',
        subscriptionId,
        messageName,
        correlationKey,
        elementId,
        tokenId: ownerId,
      });
      return { elementId, subscriptionId, ...definition };
    }
    case 'signal': {
      const signalName = text(evaluateIn(exec, event.signalName, scopeId), event.signalName, 'signal name');
      const subscriptionId = exec.newId();
      exec.emit({ type: 'signal.subscribe', subscriptionId, signalName, elementId, tokenId: ownerId });
      return { elementId, subscriptionId, signalName, ...definition };
    }
    case 'conditional':
      // Nothing outside the instance: the condition is evaluated at the end of this step and
      // after every variable change (runtime/conditions.ts).
      exec.conditions?.armed.add(`${ownerId}\u0000${elementId}`);
      return { elementId, ...definition };
    default:
      return undefined;
  }
}

/** The next occurrence of a cycle timer that just fired, or undefined when it has run out. */
export function rearmCycle(
  exec: Execution,
  entry: TriggerEntry,
  ownerId: string,
  scopeId: string,
): TriggerEntry | undefined {
  const event = entryDefinition(exec, entry);
  if (event?.kind !== 'timer' || event.timer.type !== 'cycle' || !entry.dueAt) return undefined;
  const value = timerValue(exec, event.timer, scopeId);
  const next = nextCycleDue(value, new Date(entry.dueAt), entry.remaining ?? null);
  if (!next) return undefined;
  const job = createTimerJob(exec, entry.elementId, ownerId, value, true, next.dueAt, next.remaining);
  return entry.definition === undefined ? job : { ...job, definition: entry.definition };
}

/** Closes only the subscription of an entry whose event just happened (the shell finishes a fired job). */
export function closeFiredTrigger(exec: Execution, entry: TriggerEntry): void {
  if (!entry.subscriptionId) return;
  const { jobId: _fired, ...subscription } = entry;
  cancelTrigger(exec, subscription);
}

/** Removes a trigger's job or subscription. */
export function cancelTrigger(exec: Execution, entry: TriggerEntry): void {
  if (entry.incidentId) {
    exec.emit({ type: 'incident.resolve', incidentId: entry.incidentId });
    exec.history('incident.resolved', { elementId: entry.elementId, data: { incidentId: entry.incidentId } });
  }
  if (entry.jobId) exec.emit({ type: 'job.cancel', jobId: entry.jobId });
  if (entry.subscriptionId) {
    const signal = entryDefinition(exec, entry)?.kind === 'signal';
    exec.emit({
      type: signal ? 'signal.unsubscribe' : 'message.unsubscribe',
      subscriptionId: entry.subscriptionId,
    });
  }
}

/** Whether the entry is a repeating timer (non-interrupting cycles re-arm after firing). */
export function isCycleTimer(exec: Execution, entry: TriggerEntry): boolean {
  const event = entryDefinition(exec, entry);
  return event?.kind === 'timer' && event.timer.type === 'cycle';
}

function createTimerJob(
  exec: Execution,
  elementId: string,
  ownerId: string,
  expression: string,
  cycle: boolean,
  dueAt: Date,
  remaining: number | null,
): TriggerEntry {
  const jobId = exec.newId();
  exec.emit({
    type: 'job.create',
    job: {
      id: jobId,
      kind: 'timer',
      elementId,
      tokenId: ownerId,
      dueAt,
      retries: 1,
      ...(cycle ? { cycle: { remaining, expression } } : {}),
    },
  });
  return { elementId, jobId, dueAt: dueAt.toISOString(), ...(cycle ? { remaining } : {}) };
}

function timerValue(exec: Execution, timer: TimerDefinition, scopeId: string): string {
  const value = evaluateIn(exec, timer.expr, scopeId);
  return text(value, timer.expr, `timer ${timer.type}`);
}

function text(value: JsonValue, expr: Expr, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw new ExpressionError(
    exprText(expr),
    `the ${what} must be a non-empty string, got ${JSON.stringify(value)}`,
  );
}

function exprText(expr: Expr): string {
  return expr.feel ? expr.source : expr.value;
}

/** A timer duration counted in working time (docs/TEAMS.md, "Working hours"); a string is the problem. */
function workingDue(
  working: WorkingTime,
  value: string,
  now: Date,
): { dueAt: Date; remaining: null } | string {
  try {
    return { dueAt: working.add(now, working.durationMs(value)), remaining: null };
  } catch (error) {
    if (error instanceof WorkingTimeError) return error.message;
    throw error;
  }
}
