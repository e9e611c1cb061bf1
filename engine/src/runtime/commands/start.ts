import { InvalidArgumentError } from '../../errors.js';
import { armListeners } from '../event-subprocess.js';
import { startAtMessage } from '../instantiate.js';
import { runListener } from '../listeners.js';
import type { Execution } from '../execution.js';
import type { Command } from '../types.js';

/** `start`: the root scope with the start variables, its event subprocess listeners, a token at the start event. */
export function startInstance(exec: Execution, command: Extract<Command, { type: 'start' }>): void {
  const model = exec.index.model;
  const processScope = model.scopes[model.id];
  const startEventId = command.startEventId ?? processScope?.noneStartEventId;
  const instantiating = startEventId !== undefined && processScope?.messageStartIds?.includes(startEventId);
  if (!startEventId || !(instantiating || processScope?.startEventIds.includes(startEventId))) {
    throw new InvalidArgumentError(
      command.startEventId
        ? `'${command.startEventId}' is not a start event of process '${model.id}'`
        : `Process '${model.id}' has no none start event; name the start event`,
    );
  }
  const rootId = exec.newId();
  exec.putScope({
    id: rootId,
    elementId: model.id,
    parentScopeId: null,
    variables: { ...command.variables },
  });
  exec.parentInstanceId = command.parentInstanceId;
  exec.history('instance.started', {
    elementId: startEventId,
    data: {
      processId: model.id,
      // A parallel multiple start event: which triggers of its gathering started the instance.
      ...(command.gathered
        ? { parallelMultiple: { triggers: command.gathered.map((trigger) => ({ ...trigger })) } }
        : {}),
    },
  });
  const names = Object.keys(command.variables);
  if (names.length > 0) exec.history('variables.changed', { data: { names, scopeId: rootId } });
  armListeners(exec, rootId);
  if (instantiating) {
    startAtMessage(exec, startEventId, rootId);
    return;
  }
  const token = exec.addToken({ elementId: startEventId, scopeId: rootId });
  // The process's start listeners run first (their variables are the process's); the start event
  // runs once they are done (commands/listener-jobs.ts).
  if (!runListener(exec, token, { event: 'start', index: 0, process: true })) exec.schedule(token);
}
