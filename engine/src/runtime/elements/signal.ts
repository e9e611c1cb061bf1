import { ExpressionError } from '../../errors.js';
import type { EventDefinition, EventElement } from '../../model/types.js';
import { catchSignalHere } from '../delivery.js';
import type { Execution, LiveToken } from '../execution.js';
import { evaluateIn, evaluateMappings, visibleVariables } from '../variables.js';

/**
 * Signal throw (intermediate or end): this instance's own catch events get it at once, inside the
 * step; every other instance through a broadcast the shell delivers after this step is saved.
 * The thrower may be gone afterwards (a catch interrupted its scope): callers check.
 */
export function broadcastSignal(
  exec: Execution,
  token: LiveToken,
  element: EventElement,
  /** One definition of a multiple throw event; the element's own by default. */
  event: EventDefinition = element.event,
): void {
  if (event.kind !== 'signal') return;
  const name = evaluateIn(exec, event.signalName, token.scopeId);
  if (typeof name !== 'string' || name === '') {
    const expr = event.signalName;
    throw new ExpressionError(
      expr.feel ? expr.source : expr.value,
      `the signal name must be a string, got ${JSON.stringify(name)}`,
    );
  }
  // Zeebe sends the throw event's input mappings as the signal's variables.
  const inputs = element.ioMapping?.inputs ?? [];
  const variables =
    inputs.length > 0 ? evaluateMappings(exec, inputs, visibleVariables(exec, token.scopeId)) : {};
  exec.history('signal.thrown', { elementId: element.id, tokenId: token.id, data: { signalName: name } });
  exec.emit({ type: 'signal.broadcast', signalName: name, variables, otherInstancesOnly: true });
  catchSignalHere(exec, name, variables);
}
