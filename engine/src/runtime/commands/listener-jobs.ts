import { parseDateTime } from '../../expressions/timer.js';
import { ExpressionError, InvalidArgumentError } from '../../errors.js';
import type { ActivityElement } from '../../model/types.js';
import { completeElement, continueCompletion } from '../activity.js';
import { emitTask, evaluateTask, taskHeaders } from '../elements/user-task.js';
import { enterEventSubprocess } from '../event-subprocess.js';
import type { Execution, LiveToken } from '../execution.js';
import { instanceEnded, raiseIncident } from '../flow.js';
import { enterAtMessage } from '../instantiate.js';
import { mergeCorrections, runListener } from '../listeners.js';
import { isActivity } from '../model-index.js';
import type {
  Command,
  JsonValue,
  PendingAssignment,
  PendingListener,
  PendingUpdate,
  TaskCorrections,
} from '../types.js';
import { propagateVariables, setLocalVariables } from '../variables.js';
import { findWaiting } from './find.js';

/**
 * A listener's job reports back: the element goes on to its next listener, or past its
 * listeners (runtime/listeners.ts says where they sit in an element's life).
 */

type JobComplete = Extract<Command, { type: 'job.complete' }>;

/** The token waiting on this listener job, if any. */
export function listenerToken(exec: Execution, jobId: string): Readonly<LiveToken> | undefined {
  return findWaiting(exec, (wait) => wait.kind === 'listener' && wait.jobId === jobId);
}

/** `job.complete` of a listener job; false when the job is not a listener's. */
export function completeListenerJob(exec: Execution, command: JobComplete): boolean {
  const found = listenerToken(exec, command.jobId);
  if (found?.wait?.kind !== 'listener') return false;
  const pending = found.wait.listener;
  const result = command.result;
  const taskListener = isTaskEvent(pending.event);
  if (taskListener && Object.keys(command.variables).length > 0)
    throw new InvalidArgumentError(
      `Job ${command.jobId} is a ${pending.event} task listener's: it completes without variables (as in Zeebe)`,
    );
  if (!taskListener && (result?.denied !== undefined || result?.corrections !== undefined))
    throw new InvalidArgumentError(
      `Job ${command.jobId} is an execution listener's: only task listeners deny or correct`,
    );
  if (result?.denied === true && pending.event === 'creating')
    throw new InvalidArgumentError(
      `Job ${command.jobId} is a ${pending.event} task listener's: only a completion can be denied (or an assignment or an update, by assigning and updating listeners), as in Zeebe`,
    );
  if (result?.corrections) checkCorrections(command.jobId, result.corrections);
  const token = exec.edit(found.id);
  token.wait = undefined;
  const element = exec.element(token.elementId);
  exec.history('listener.completed', {
    elementId: element.id,
    tokenId: token.id,
    data: {
      event: pending.event,
      index: pending.index,
      jobId: command.jobId,
      ...(pending.process ? { process: true } : {}),
    },
  });
  switch (pending.event) {
    case 'start': {
      const owned = exec.ownedScope(token.id);
      setLocalVariables(exec, owned?.id ?? token.scopeId, command.variables, element.id);
      if (runListener(exec, token, { ...pending, index: pending.index + 1 })) return true;
      started(exec, token, pending);
      return true;
    }
    case 'end':
      // The process's end listeners set process variables (Zeebe: the process instance's scope).
      if (pending.process) setLocalVariables(exec, token.scopeId, command.variables, element.id);
      else propagateVariables(exec, token.scopeId, command.variables, element.id);
      if (runListener(exec, token, { ...pending, index: pending.index + 1 })) return true;
      ended(exec, token, pending);
      return true;
    case 'creating':
    case 'assigning':
    case 'updating':
    case 'completing':
      if (!isActivity(element)) throw new Error(`'${element.id}' has task listeners but is no user task`);
      if (result?.denied === true) {
        const reason = result.deniedReason ?? null;
        if (pending.event === 'assigning')
          reopenDenied(exec, token, pending, 'task.assignmentDenied', {
            reason,
            assignee: pending.assignment?.assignee ?? null,
          });
        else if (pending.event === 'updating')
          reopenDenied(exec, token, pending, 'task.updateDenied', {
            reason,
            changes: changesJson(pending.update?.changes ?? {}),
            requestedBy: pending.update?.requestedBy ?? null,
          });
        else reopenDenied(exec, token, pending, 'task.completionDenied', { reason });
        return true;
      }
      nextTaskListener(exec, token, element, {
        ...pending,
        index: pending.index + 1,
        ...(result?.corrections
          ? { corrections: mergeCorrections(pending.corrections, result.corrections) }
          : {}),
      });
      return true;
  }
}

/** The end listeners are done: the element leaves (the process: the instance ends). */
function ended(exec: Execution, token: LiveToken, pending: PendingListener): void {
  if (pending.process) instanceEnded(exec, token, pending);
  else continueCompletion(exec, token, exec.element(token.elementId));
}

/**
 * The start listeners are done: the element's own behaviour runs (an event subprocess: its start
 * event; an element whose event had happened: it completes with the event's variables). The
 * process's: its start event runs, or the element a message started it at.
 */
function started(exec: Execution, token: LiveToken, pending: PendingListener): void {
  const element = exec.element(token.elementId);
  const behavior = exec.behavior(element);
  if (pending.process) {
    if (pending.messageStartId !== undefined) enterAtMessage(exec, token, pending.messageStartId);
    else exec.schedule(token);
    return;
  }
  // The element's event had happened before its start listeners ran: it completes with it now.
  if (pending.trigger !== undefined) token.trigger = pending.trigger;
  if (pending.eventStart) {
    enterEventSubprocess(exec, token, pending.eventStart.startEventId, pending.eventStart.variables);
    return;
  }
  try {
    (behavior.started ?? behavior.enter)(exec, token, element);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    const still = exec.token(token.id);
    if (still) raiseIncident(exec, exec.edit(still.id), 'expression', error.message);
  }
}

/**
 * Runs the next task listener of the event, or (none left) lets the transition happen: the task is
 * created, or the completion takes effect, with the listeners' corrections.
 */
export function nextTaskListener(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  pending: PendingListener,
): void {
  if (pending.event === 'creating') {
    let task: ReturnType<typeof evaluateTask>;
    try {
      task = evaluateTask(exec, token, element, pending.corrections);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      raiseIncident(exec, token, 'expression', error.message);
      return;
    }
    if (runListener(exec, token, pending, taskHeaders(task, 'create'))) return;
    emitTask(exec, token, element, task);
    return;
  }
  if (pending.event === 'assigning') {
    nextAssigningListener(exec, token, element, pending);
    return;
  }
  if (pending.event === 'updating') {
    nextUpdatingListener(exec, token, element, pending);
    return;
  }
  const taskId = pending.taskId ?? '';
  if (runListener(exec, token, pending, taskHeaders({}, 'complete', taskId))) return;
  exec.emit({
    type: 'task.update',
    taskId,
    state: 'completed',
    ...(pending.corrections ? { corrections: pending.corrections } : {}),
  });
  exec.history('task.completed', { elementId: element.id, tokenId: token.id, taskId });
  completeElement(exec, token, pending.variables ?? {});
}

/**
 * A completion waits for the task's completing listeners: the task row is `completing` (no
 * second completion, claim or hand-off meanwhile) and the first listener's job is created.
 */
export function beginCompleting(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  command: Extract<Command, { type: 'task.complete' }>,
): void {
  exec.emit({ type: 'task.update', taskId: command.taskId, state: 'completing' });
  exec.history('task.completing', { elementId: element.id, tokenId: token.id, taskId: command.taskId });
  nextTaskListener(exec, token, element, {
    event: 'completing',
    index: 0,
    taskId: command.taskId,
    variables: command.variables,
  });
}

/**
 * An assignee change waits for the task's assigning listeners: the task row is `assigning` (no
 * completion, claim or hand-off meanwhile) and the first listener's job is created. The policy
 * allowed the change already, in the command's transaction.
 */
export function beginAssigning(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  taskId: string,
  assignment: PendingAssignment,
): void {
  exec.emit({ type: 'task.update', taskId, state: 'assigning' });
  exec.history('task.assigning', {
    elementId: element.id,
    tokenId: token.id,
    taskId,
    data: { assignee: assignment.assignee, action: assignment.action },
  });
  nextTaskListener(exec, token, element, { event: 'assigning', index: 0, taskId, assignment });
}

/**
 * The next assigning listener runs, or (none left) the assignee change takes effect with the
 * listeners' corrections: a corrected assignee replaces the one asked for ('' unassigns).
 */
function nextAssigningListener(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  pending: PendingListener,
): void {
  const taskId = pending.taskId ?? '';
  const assignment = pending.assignment;
  if (!assignment) throw new Error(`assigning listeners of '${element.id}' without an assignment`);
  const asked = { assignee: assignment.assignee ?? undefined };
  if (runListener(exec, token, pending, taskHeaders(asked, assignment.action, taskId))) return;
  const corrected = pending.corrections?.assignee;
  const assignee = corrected === undefined ? assignment.assignee : corrected === '' ? null : corrected;
  exec.emit({
    type: 'task.update',
    taskId,
    state: 'created',
    corrections: { ...(pending.corrections ?? {}), assignee: assignee ?? '' },
    delegation: { owner: assignment.owner, delegated: assignment.delegated },
  });
  exec.history(assignment.history.type, {
    elementId: element.id,
    tokenId: token.id,
    taskId,
    data: { ...(assignment.history.data ?? {}), assignee },
  });
  token.wait = { kind: 'userTask', taskId };
}

/**
 * A change of the task's data (Zeebe's "update user task") waits for the task's updating
 * listeners: the task row is `updating` (no completion, claim, hand-off or second update
 * meanwhile) and the first listener's job is created. The policy allowed the change already.
 */
export function beginUpdating(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  taskId: string,
  update: PendingUpdate,
): void {
  exec.emit({ type: 'task.update', taskId, state: 'updating' });
  exec.history('task.updating', {
    elementId: element.id,
    tokenId: token.id,
    taskId,
    data: { changes: changesJson(update.changes) },
  });
  nextTaskListener(exec, token, element, { event: 'updating', index: 0, taskId, update });
}

/**
 * The next updating listener runs (its headers carry the task as it will be, and Zeebe's
 * `changedAttributes`), or (none left) the change takes effect with the listeners' corrections
 * over it, recorded as `task.updated` with the fields that changed and who asked.
 */
function nextUpdatingListener(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  pending: PendingListener,
): void {
  const taskId = pending.taskId ?? '';
  const update = pending.update;
  if (!update) throw new Error(`updating listeners of '${element.id}' without an update`);
  if (runListener(exec, token, pending, updateHeaders(taskId, update))) return;
  const changes: TaskCorrections = { ...update.changes, ...(pending.corrections ?? {}) };
  exec.emit({ type: 'task.update', taskId, state: 'created', corrections: changes });
  exec.history('task.updated', {
    elementId: element.id,
    tokenId: token.id,
    taskId,
    data: { changes: changesJson(changes), requestedBy: update.requestedBy },
  });
  token.wait = { kind: 'userTask', taskId };
}

/** Zeebe's headers of an updating listener's job: the task with the change applied, and what changed. */
function updateHeaders(taskId: string, update: PendingUpdate): Record<string, string> {
  const { before, changes } = update;
  const date = (asked: string | undefined, was: string | null) =>
    asked === undefined ? (was ?? undefined) : asked === '' ? undefined : asked;
  const headers: Record<string, string> = {
    'io.camunda.zeebe:action': 'update',
    'io.camunda.zeebe:userTaskKey': taskId,
    'io.camunda.zeebe:changedAttributes': JSON.stringify(Object.keys(changes)),
    'io.camunda.zeebe:candidateGroups': JSON.stringify(changes.candidateGroups ?? before.candidateGroups),
    'io.camunda.zeebe:candidateUsers': JSON.stringify(changes.candidateUsers ?? before.candidateUsers),
    'io.camunda.zeebe:priority': String(changes.priority ?? before.priority),
  };
  if (before.assignee) headers['io.camunda.zeebe:assignee'] = before.assignee;
  const due = date(changes.dueDate, before.dueDate);
  if (due) headers['io.camunda.zeebe:dueDate'] = due;
  const followUp = date(changes.followUpDate, before.followUpDate);
  if (followUp) headers['io.camunda.zeebe:followUpDate'] = followUp;
  if (before.formId) headers['io.camunda.zeebe:formKey'] = before.formId;
  return headers;
}

/**
 * A task listener said no (completing, assigning or updating): the task is open again as it was,
 * and history says why and what was asked.
 */
function reopenDenied(
  exec: Execution,
  token: LiveToken,
  pending: PendingListener,
  type: 'task.completionDenied' | 'task.assignmentDenied' | 'task.updateDenied',
  data: Record<string, JsonValue>,
): void {
  const taskId = pending.taskId ?? '';
  exec.emit({ type: 'task.update', taskId, state: 'created' });
  exec.history(type, { elementId: token.elementId, tokenId: token.id, taskId, data });
  token.wait = { kind: 'userTask', taskId };
}

/** A changeset as history's JSON: the fields given, in a fixed order. */
export function changesJson(changes: TaskCorrections): Record<string, JsonValue> {
  const json: Record<string, JsonValue> = {};
  for (const key of CHANGE_FIELDS) {
    const value = changes[key];
    if (value !== undefined) json[key] = Array.isArray(value) ? [...value] : (value as JsonValue);
  }
  return json;
}

const CHANGE_FIELDS = [
  'assignee',
  'candidateUsers',
  'candidateGroups',
  'dueDate',
  'followUpDate',
  'priority',
] as const satisfies readonly (keyof TaskCorrections)[];

/** Whether the event is a task listener's (they deny or correct; their jobs take no variables). */
export function isTaskEvent(event: PendingListener['event']): boolean {
  return event === 'creating' || event === 'assigning' || event === 'updating' || event === 'completing';
}

/** A listener job's incident is retried: the listener that failed runs again. */
export function retryListener(exec: Execution, token: LiveToken, pending: PendingListener): void {
  const element = exec.element(token.elementId);
  if (isTaskEvent(pending.event) && isActivity(element)) {
    nextTaskListener(exec, token, element, pending);
    return;
  }
  if (runListener(exec, token, pending)) return;
  if (pending.event === 'start') started(exec, token, pending);
  else ended(exec, token, pending);
}

const MAX_CANDIDATES = 1000;

function checkCorrections(jobId: string, c: TaskCorrections): void {
  const bad = (what: string) =>
    new InvalidArgumentError(`Job ${jobId}: the correction of ${what} is not valid`);
  if (c.assignee !== undefined && typeof c.assignee !== 'string') throw bad('assignee');
  for (const [what, list] of [
    ['candidateUsers', c.candidateUsers],
    ['candidateGroups', c.candidateGroups],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > MAX_CANDIDATES || list.some((x) => typeof x !== 'string'))
      throw bad(what);
  }
  for (const [what, value] of [
    ['dueDate', c.dueDate],
    ['followUpDate', c.followUpDate],
  ] as const) {
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || !parseDateTime(value)) throw bad(`${what} (an ISO 8601 date-time)`);
  }
  if (
    c.priority !== undefined &&
    (typeof c.priority !== 'number' || !Number.isInteger(c.priority) || c.priority < 0 || c.priority > 100)
  )
    throw bad('priority (a whole number from 0 to 100)');
}
