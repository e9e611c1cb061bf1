import { InstanceNotActiveError, InvalidArgumentError } from '../errors.js';
import type { ProcessModel } from '../model/types.js';
import { correlateMessage, fireTimer, receiveSignal } from './commands/events.js';
import { childThrew, completeChild } from './commands/children.js';
import { cancelInstance, retryIncident, setVariables } from './commands/instance.js';
import { modifyInstance } from './commands/modify.js';
import { activateAdHoc } from './commands/adhoc.js';
import { conditionTracker, settleConditions } from './conditions.js';
import { completeJob, failJobWithError, raiseJobIncident } from './commands/jobs.js';
import { startInstance } from './commands/start.js';
import { completeTask, returnTask, assignTask, changeTaskData } from './commands/tasks.js';
import { BEHAVIORS } from './elements/index.js';
import { Execution } from './execution.js';
import { drain } from './flow.js';
import { withStartListeners } from './listeners.js';
import { indexModel } from './model-index.js';
import type { Command, InstanceState, StepContext, StepResult } from './types.js';

/** The behaviors, with start listeners in front of events and gateways. */
const RUNNING = withStartListeners(BEHAVIORS);

type CommandHandlers = {
  readonly [T in Command['type']]: (exec: Execution, command: Extract<Command, { type: T }>) => void;
};

/** One handler per command type: a new command without a handler does not compile. */
const HANDLERS: CommandHandlers = {
  start: startInstance,
  'task.complete': completeTask,
  'task.return': returnTask,
  'task.assign': assignTask,
  'task.change': changeTaskData,
  'job.complete': completeJob,
  'job.error': failJobWithError,
  'job.incident': raiseJobIncident,
  'timer.fire': fireTimer,
  'message.correlate': correlateMessage,
  'signal.receive': receiveSignal,
  'child.completed': completeChild,
  'child.thrown': childThrew,
  'instance.cancel': cancelInstance,
  'variables.set': setVariables,
  'incident.retry': retryIncident,
  'instance.modify': modifyInstance,
  'adhoc.activate': activateAdHoc,
};

/**
 * Applies one command to an instance: pure and deterministic (time and ids from `ctx`). `state`
 * is null for `start` only and is never mutated. Invalid commands throw typed engine errors;
 * failing expressions become incidents inside the returned state instead.
 */
export function step(
  model: ProcessModel,
  state: InstanceState | null,
  command: Command,
  ctx: StepContext,
): StepResult {
  if (command.type === 'start') {
    if (state !== null) throw new InvalidArgumentError(`Instance ${ctx.instanceId} has already started`);
  } else {
    if (state === null) throw new InvalidArgumentError(`Instance ${ctx.instanceId} has not started`);
    if (state.status !== 'active') throw new InstanceNotActiveError(ctx.instanceId, state.status);
  }
  const exec = new Execution(indexModel(model), ctx, state, RUNNING);
  // Conditional events: variable changes are tracked, and conditions evaluated after the tokens
  // settle, only for models that have any.
  exec.conditions = conditionTracker(model);
  const handler = HANDLERS[command.type] as (exec: Execution, command: Command) => void;
  handler(exec, command);
  drain(exec);
  settleConditions(exec);
  return exec.result();
}
