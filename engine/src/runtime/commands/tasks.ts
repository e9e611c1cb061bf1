import { InvalidArgumentError, TaskNotFoundError, TaskReturnTargetInvalidError } from '../../errors.js';
import { completeElement } from '../activity.js';
import { releaseActivity } from '../flow.js';
import type { Execution } from '../execution.js';
import { isActivity } from '../model-index.js';
import { isIteration } from '../multi-instance.js';
import type { Command } from '../types.js';
import { findWaiting } from './find.js';
import { beginAssigning, beginCompleting, beginUpdating } from './listener-jobs.js';
import { hasListeners } from '../listeners.js';

/** `task.complete`: the task's variables go through its output mappings, then the token moves on. */
export function completeTask(exec: Execution, command: Extract<Command, { type: 'task.complete' }>): void {
  const found = findWaiting(exec, (wait) => wait.kind === 'userTask' && wait.taskId === command.taskId);
  if (!found) throw new TaskNotFoundError(command.taskId);
  const token = exec.edit(found.id);
  const element = exec.element(token.elementId);
  if (isActivity(element) && hasListeners(element, 'completing')) {
    token.wait = undefined;
    beginCompleting(exec, token, element, command);
    return;
  }
  exec.history('task.completed', { elementId: token.elementId, tokenId: token.id, taskId: command.taskId });
  token.wait = undefined;
  completeElement(exec, token, command.variables);
}

/**
 * `task.assign`: an assignee change the task's assigning listeners must first agree to. The task
 * operations send it only for a task with such listeners; the change itself is written when the
 * last listener's job completes (`commands/listener-jobs.ts`).
 */
export function assignTask(exec: Execution, command: Extract<Command, { type: 'task.assign' }>): void {
  const found = findWaiting(exec, (wait) => wait.kind === 'userTask' && wait.taskId === command.taskId);
  if (!found) throw new TaskNotFoundError(command.taskId);
  const element = exec.element(found.elementId);
  if (!isActivity(element) || !hasListeners(element, 'assigning'))
    throw new InvalidArgumentError(
      `The task ${command.taskId} of '${element.id}' has no assigning listeners`,
    );
  const token = exec.edit(found.id);
  token.wait = undefined;
  beginAssigning(exec, token, element, command.taskId, command.assignment);
}

/**
 * `task.change` (Zeebe's "update user task"): a change of the task's dates, priority or
 * candidates that the task's updating listeners must first agree to. The task operations send it
 * only for a task with such listeners; the change is written when the last listener's job
 * completes (`commands/listener-jobs.ts`).
 */
export function changeTaskData(exec: Execution, command: Extract<Command, { type: 'task.change' }>): void {
  const found = findWaiting(exec, (wait) => wait.kind === 'userTask' && wait.taskId === command.taskId);
  if (!found) throw new TaskNotFoundError(command.taskId);
  const element = exec.element(found.elementId);
  if (!isActivity(element) || !hasListeners(element, 'updating'))
    throw new InvalidArgumentError(`The task ${command.taskId} of '${element.id}' has no updating listeners`);
  const token = exec.edit(found.id);
  token.wait = undefined;
  beginUpdating(exec, token, element, command.taskId, command.update);
}

/**
 * `task.return` (驳回): the token at this task goes back to an earlier user task of the same scope
 * that has completed before; the current task is cancelled and the target task created anew.
 */
export function returnTask(exec: Execution, command: Extract<Command, { type: 'task.return' }>): void {
  const found = findWaiting(exec, (wait) => wait.kind === 'userTask' && wait.taskId === command.taskId);
  if (!found) throw new TaskNotFoundError(command.taskId);
  const current = exec.element(found.elementId);
  const target = exec.index.model.elements[command.targetElementId];
  const invalid = (reason: string) =>
    new TaskReturnTargetInvalidError(command.taskId, command.targetElementId, reason);
  if (target?.kind !== 'bpmn:UserTask') throw invalid('it is not a user task of this process');
  if (target.id === current.id) throw invalid('a task cannot be returned to itself');
  if (target.parentId !== current.parentId || (isActivity(current) && isIteration(exec, found, current))) {
    throw invalid('it is not in the same scope as the task');
  }
  if (!exec.hasCompleted(target.id)) throw invalid('it has not been completed before in this instance');
  const token = exec.edit(found.id);
  exec.emit({ type: 'task.cancel', taskId: command.taskId });
  exec.history('task.returned', {
    elementId: current.id,
    tokenId: token.id,
    taskId: command.taskId,
    data: { from: current.id, to: target.id },
  });
  token.wait = undefined;
  releaseActivity(exec, token);
  exec.history('element.terminated', { elementId: current.id, tokenId: token.id });
  token.elementId = target.id;
  token.arrivedBy = undefined;
  token.loopCounter = undefined;
  exec.schedule(token);
}
