import type { Execution, LiveToken } from '../execution.js';
import type { Scope, TokenWait, TriggerEntry } from '../types.js';

/** Where a job or subscription of this instance is held. */
export type TriggerOwner =
  | { readonly kind: 'token'; readonly token: Readonly<LiveToken> }
  | { readonly kind: 'entry'; readonly token: Readonly<LiveToken>; readonly entry: TriggerEntry }
  | { readonly kind: 'listener'; readonly scope: Scope; readonly entry: TriggerEntry };

/** The token parked on a wait that matches. */
export function findWaiting(
  exec: Execution,
  matches: (wait: TokenWait) => boolean,
): Readonly<LiveToken> | undefined {
  for (const token of exec.tokens.values()) if (token.wait && matches(token.wait)) return token;
  return undefined;
}

/** Finds who holds a job (timer) or subscription: a waiting token, a boundary/gateway entry, or a scope listener. */
export function findTriggerOwner(
  exec: Execution,
  key: 'jobId' | 'subscriptionId',
  id: string,
): TriggerOwner | undefined {
  for (const token of exec.tokens.values()) {
    // Only timers are fired this way; a service job reports through job.* commands.
    const wait =
      token.wait?.kind === 'job'
        ? undefined
        : (token.wait as { jobId?: string; subscriptionId?: string } | undefined);
    if (wait?.[key] === id) return { kind: 'token', token };
    const entry = token.boundary?.find((candidate) => candidate[key] === id);
    if (entry) return { kind: 'entry', token, entry };
  }
  for (const scope of exec.scopes.values()) {
    const entry = scope.listeners?.find((candidate) => candidate[key] === id);
    if (entry) return { kind: 'listener', scope, entry };
  }
  return undefined;
}
