import { InvalidArgumentError, JobNotFoundError } from '../../errors.js';
import { completeElement } from '../activity.js';
import type { Execution } from '../execution.js';
import { raiseIncident } from '../flow.js';
import { throwError } from '../throw.js';
import type { Command } from '../types.js';
import { findWaiting } from './find.js';
import { completeListenerJob, listenerToken } from './listener-jobs.js';

/**
 * Service jobs report back here. The job itself is finished by the shell (it is the one that ran
 * it); the runtime only moves the token.
 */

function jobToken(exec: Execution, jobId: string) {
  const found = findWaiting(exec, (wait) => wait.kind === 'job' && wait.jobId === jobId);
  if (!found) throw new JobNotFoundError(jobId);
  const token = exec.edit(found.id);
  token.wait = undefined;
  return token;
}

/** `job.complete`: the job's variables are the element's completion variables. */
export function completeJob(exec: Execution, command: Extract<Command, { type: 'job.complete' }>): void {
  if (completeListenerJob(exec, command)) return;
  if (command.result !== undefined)
    throw new InvalidArgumentError(`Job ${command.jobId} is not a task listener's: it takes no result`);
  const token = jobToken(exec, command.jobId);
  const element = exec.element(token.elementId);
  const behavior = exec.behavior(element);
  if (behavior.jobCompleted) behavior.jobCompleted(exec, token, element, command.variables);
  else completeElement(exec, token, command.variables);
}

/** `job.error`: a BPMN error thrown by the worker, caught by boundary events or event subprocesses. */
export function failJobWithError(exec: Execution, command: Extract<Command, { type: 'job.error' }>): void {
  if (listenerToken(exec, command.jobId))
    throw new InvalidArgumentError(
      `Job ${command.jobId} is a listener's: a BPMN error cannot be thrown from a listener job (as in Zeebe); complete or fail it`,
    );
  const token = jobToken(exec, command.jobId);
  throwError(exec, token, command.errorCode, {
    ownBoundaries: true,
    variables: command.variables,
    ...(command.errorMessage ? { message: command.errorMessage } : {}),
  });
}

/**
 * `job.incident`: the job ran out of retries (or kept crashing its executor); the token waits in
 * an incident until retried. A service task's retry runs the task again with a fresh job; an
 * intermediate timer's retry goes on as if the timer had fired. Timers owned by something else
 * (boundary, event gateway, event subprocess) have no token of their own to park: JobNotFoundError.
 */
export function raiseJobIncident(exec: Execution, command: Extract<Command, { type: 'job.incident' }>): void {
  const timer = findWaiting(exec, (wait) => wait.kind === 'timer' && wait.jobId === command.jobId);
  if (timer) {
    const token = exec.edit(timer.id);
    token.wait = undefined;
    raiseIncident(exec, token, 'job', command.message, { jobId: command.jobId, retry: 'complete' });
    return;
  }
  const listening = listenerToken(exec, command.jobId);
  if (listening?.wait?.kind === 'listener') {
    const listener = listening.wait.listener;
    const token = exec.edit(listening.id);
    token.wait = undefined;
    raiseIncident(exec, token, 'job', command.message, { jobId: command.jobId, listener });
    return;
  }
  const token = jobToken(exec, command.jobId);
  raiseIncident(exec, token, 'job', command.message, { jobId: command.jobId });
}
