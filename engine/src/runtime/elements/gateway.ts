import type { GatewayElement } from '../../model/types.js';
import type { Execution, LiveToken } from '../execution.js';
import { takeFlows } from '../flow.js';

/** A gateway lets its token(s) through the chosen flows. */
export function passGateway(
  exec: Execution,
  token: LiveToken,
  element: GatewayElement,
  flowIds: readonly string[],
): void {
  exec.history('element.completed', { elementId: element.id, tokenId: token.id });
  exec.markCompleted(element.id);
  takeFlows(exec, token, flowIds);
}

/**
 * The oldest waiting token per incoming flow of a join, in arrival order (later arrivals on the
 * same flow queue for the next round).
 */
export function joinArrivals(exec: Execution, element: GatewayElement, scopeId: string): Map<string, string> {
  const first = new Map<string, string>();
  for (const token of exec.tokensIn(scopeId)) {
    if (token.elementId !== element.id || token.wait?.kind !== 'join' || !token.arrivedBy) continue;
    if (!first.has(token.arrivedBy)) first.set(token.arrivedBy, token.id);
  }
  return first;
}

/** Merges the given join tokens into one (the preferred one if it is among them) and returns it, moving. */
export function mergeJoin(exec: Execution, tokenIds: Iterable<string>, preferredId?: string): LiveToken {
  const ids = [...tokenIds];
  const keep = preferredId && ids.includes(preferredId) ? preferredId : (ids[0] as string);
  for (const id of ids) if (id !== keep) exec.removeToken(id);
  const token = exec.edit(keep);
  token.wait = undefined;
  return token;
}
