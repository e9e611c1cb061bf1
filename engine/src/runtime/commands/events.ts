import { InvalidArgumentError, JobNotFoundError } from '../../errors.js';
import { deliverTrigger, findTriggerOwner } from '../delivery.js';
import type { Execution } from '../execution.js';
import type { Command } from '../types.js';

/** `timer.fire`: an intermediate timer, a boundary timer, an event-gateway timer or an event subprocess timer. */
export function fireTimer(exec: Execution, command: Extract<Command, { type: 'timer.fire' }>): void {
  const owner = findTriggerOwner(exec, 'jobId', command.jobId);
  if (!owner) throw new JobNotFoundError(command.jobId);
  deliverTrigger(exec, owner, {});
}

/** `message.correlate`: a catch event, receive task, boundary event, event-gateway target or event subprocess. */
export function correlateMessage(
  exec: Execution,
  command: Extract<Command, { type: 'message.correlate' }>,
): void {
  const owner = findTriggerOwner(exec, 'subscriptionId', command.subscriptionId);
  if (!owner)
    throw new InvalidArgumentError(`No open message subscription ${command.subscriptionId} in this instance`);
  deliverTrigger(exec, owner, command.variables);
}

/** `signal.receive`: as for messages; each subscription gets its own command. */
export function receiveSignal(exec: Execution, command: Extract<Command, { type: 'signal.receive' }>): void {
  const owner = findTriggerOwner(exec, 'subscriptionId', command.subscriptionId);
  if (!owner)
    throw new InvalidArgumentError(`No open signal subscription ${command.subscriptionId} in this instance`);
  deliverTrigger(exec, owner, command.variables);
}
