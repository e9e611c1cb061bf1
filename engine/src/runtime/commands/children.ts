import { InvalidArgumentError } from '../../errors.js';
import type { ActivityElement } from '../../model/types.js';
import { completeElement } from '../activity.js';
import type { Execution } from '../execution.js';
import { throwError, throwEscalation } from '../throw.js';
import type { Command } from '../types.js';
import { propagateVariables } from '../variables.js';
import { findWaiting } from './find.js';

function callToken(exec: Execution, childInstanceId: string) {
  const found = findWaiting(
    exec,
    (wait) => wait.kind === 'childInstance' && wait.childInstanceId === childInstanceId,
  );
  if (!found) throw new InvalidArgumentError(`No call activity waits for child instance ${childInstanceId}`);
  return exec.edit(found.id);
}

/**
 * `child.completed`: all the child's variables are merged (unless propagation is off), then the
 * output mappings, which read the child's variables either way, are applied.
 */
export function completeChild(exec: Execution, command: Extract<Command, { type: 'child.completed' }>): void {
  const token = callToken(exec, command.childInstanceId);
  const element = exec.element(token.elementId) as ActivityElement;
  const propagate = element.calledElement?.propagateAllChildVariables ?? true;
  const hasOutputs = (element.ioMapping?.outputs.length ?? 0) > 0;
  token.wait = undefined;
  if (propagate && hasOutputs) propagateVariables(exec, token.scopeId, command.variables, element.id);
  completeElement(exec, token, propagate || hasOutputs ? command.variables : {});
}

/** `child.thrown`: an error or escalation the child did not catch is thrown again at the call activity. */
export function childThrew(exec: Execution, command: Extract<Command, { type: 'child.thrown' }>): void {
  const token = callToken(exec, command.childInstanceId);
  if (command.kind === 'escalation') {
    throwEscalation(exec, token, command.code, { ownBoundaries: true, variables: command.variables });
    return;
  }
  // An error ends the child's part: whether caught here or raised as an incident, the child is cancelled.
  exec.emit({ type: 'child.cancel', childInstanceId: command.childInstanceId });
  token.wait = undefined;
  throwError(exec, token, command.code, { ownBoundaries: true, variables: command.variables });
}
