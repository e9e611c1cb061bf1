import { InvalidArgumentError, JobNotFoundError } from '../../errors.js';
import { completeElement } from '../activity.js';
import { fireBoundary, fireEventGateway } from '../catching.js';
import { fireListener } from '../event-subprocess.js';
import type { Execution } from '../execution.js';
import type { Command, Variables } from '../types.js';
import { findTriggerOwner, type TriggerOwner } from './find.js';

/** `timer.fire`: an intermediate timer, a boundary timer, an event-gateway timer or an event subprocess timer. */
export function fireTimer(exec: Execution, command: Extract<Command, { type: 'timer.fire' }>): void {
  const owner = findTriggerOwner(exec, 'jobId', command.jobId);
  if (!owner) throw new JobNotFoundError(command.jobId);
  deliver(exec, owner, {});
}

/** `message.correlate`: a catch event, receive task, boundary event, event-gateway target or event subprocess. */
export function correlateMessage(
  exec: Execution,
  command: Extract<Command, { type: 'message.correlate' }>,
): void {
  const owner = findTriggerOwner(exec, 'subscriptionId', command.subscriptionId);
  if (!owner)
    throw new InvalidArgumentError(`No open message subscription ${command.subscriptionId} in this instance`);
  deliver(exec, owner, command.variables);
}

/** `signal.receive`: as for messages; each subscription gets its own command. */
export function receiveSignal(exec: Execution, command: Extract<Command, { type: 'signal.receive' }>): void {
  const owner = findTriggerOwner(exec, 'subscriptionId', command.subscriptionId);
  if (!owner)
    throw new InvalidArgumentError(`No open signal subscription ${command.subscriptionId} in this instance`);
  deliver(exec, owner, command.variables);
}

function deliver(exec: Execution, owner: TriggerOwner, variables: Variables): void {
  switch (owner.kind) {
    case 'token': {
      const token = exec.edit(owner.token.id);
      const wait = token.wait;
      if (wait?.kind === 'message')
        exec.emit({ type: 'message.unsubscribe', subscriptionId: wait.subscriptionId });
      if (wait?.kind === 'signal')
        exec.emit({ type: 'signal.unsubscribe', subscriptionId: wait.subscriptionId });
      token.wait = undefined;
      completeElement(exec, token, variables);
      return;
    }
    case 'entry':
      if (owner.token.wait?.kind === 'eventGateway')
        fireEventGateway(exec, owner.token.id, owner.entry, variables);
      else fireBoundary(exec, owner.token.id, owner.entry.elementId, variables, owner.entry);
      return;
    case 'listener':
      fireListener(exec, owner.scope.id, owner.entry, variables);
      return;
  }
}
