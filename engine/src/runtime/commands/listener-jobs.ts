import { parseDateTime } from '../../expressions/timer.js';
import { ExpressionError, InvalidArgumentError } from '../../errors.js';
import type { ActivityElement } from '../../model/types.js';
import { completeElement, continueCompletion } from '../activity.js';
import { emitTask, evaluateTask, taskHeaders } from '../elements/user-task.js';
import { enterEventSubprocess } from '../event-subprocess.js';
import type { Execution, LiveToken } from '../execution.js';
import { raiseIncident } from '../flow.js';
import { mergeCorrections, runListener } from '../listeners.js';
import { isActivity } from '../model-index.js';
import type { Command, PendingAssignment, PendingListener, TaskCorrections } from '../types.js';
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
  if (result?.denied === true && pending.event !== 'completing' && pending.event !== 'assigning')
    throw new InvalidArgumentError(
      `Job ${command.jobId} is a ${pending.event} task listener's: only a completion can be denied (or an assignment, by an assigning listener), as in Zeebe`,
    );
  if (result?.corrections) checkCorrections(command.jobId, result.corrections);
  const token = exec.edit(found.id);
  token.wait = undefined;
  const element = exec.element(token.elementId);
  exec.history('listener.completed', {
    elementId: element.id,
    tokenId: token.id,
    data: { event: pending.event, index: pending.index, jobId: command.jobId },
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
      propagateVariables(exec, token.scopeId, command.variables, element.id);
      if (runListener(exec, token, { event: 'end', index: pending.index + 1 })) return true;
      continueCompletion(exec, token, element);
      return true;
    case 'creating':
    case 'assigning':
    case 'completing':
      if (!isActivity(element)) throw new Error(`'${element.id}' has task listeners but is no user task`);
      if (result?.denied === true) {
        if (pending.event === 'assigning') denyAssignment(exec, token, pending, result.deniedReason);
        else denyCompletion(exec, token, pending, result.deniedReason);
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

/** The start listeners are done: the element's own behaviour runs (an event subprocess: its start event). */
function started(exec: Execution, token: LiveToken, pending: PendingListener): void {
  const element = exec.element(token.elementId);
  const behavior = exec.behavior(element);
  if (pending.process) {
    exec.schedule(token);
    return;
  }
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

/** A completing listener said no: the task is open again, as before; the reason is in history. */
function denyCompletion(
  exec: Execution,
  token: LiveToken,
  pending: PendingListener,
  reason: string | undefined,
): void {
  const taskId = pending.taskId ?? '';
  exec.emit({ type: 'task.update', taskId, state: 'created' });
  exec.history('task.completionDenied', {
    elementId: token.elementId,
    tokenId: token.id,
    taskId,
    data: { reason: reason ?? null },
  });
  token.wait = { kind: 'userTask', taskId };
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

/** An assigning listener said no: the task is open again with its assignee as before. */
function denyAssignment(
  exec: Execution,
  token: LiveToken,
  pending: PendingListener,
  reason: string | undefined,
): void {
  const taskId = pending.taskId ?? '';
  exec.emit({ type: 'task.update', taskId, state: 'created' });
  exec.history('task.assignmentDenied', {
    elementId: token.elementId,
    tokenId: token.id,
    taskId,
    data: { reason: reason ?? null, assignee: pending.assignment?.assignee ?? null },
  });
  token.wait = { kind: 'userTask', taskId };
}

/** Whether the event is a task listener's (they deny or correct; their jobs take no variables). */
export function isTaskEvent(event: PendingListener['event']): boolean {
  return event === 'creating' || event === 'assigning' || event === 'completing';
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
  else continueCompletion(exec, token, element);
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
