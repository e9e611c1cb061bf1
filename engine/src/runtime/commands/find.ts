import type { Execution, LiveToken } from '../execution.js';
import type { TokenWait } from '../types.js';

/** The token parked on a wait that matches. */
export function findWaiting(
  exec: Execution,
  matches: (wait: TokenWait) => boolean,
): Readonly<LiveToken> | undefined {
  for (const token of exec.tokens.values()) if (token.wait && matches(token.wait)) return token;
  return undefined;
}
