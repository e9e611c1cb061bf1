import type { AttemptCount } from '../persistence/login-attempts.js';
import type { Store } from '../persistence/store.js';
import { sha256 } from './secrets.js';

/** How many login attempts each key may make in one window. */
export interface LoginLimits {
  /** Attempts per client address and username (the limit a person mistyping meets). */
  readonly max: number;
  /** Attempts per client address, any username (password spraying from one address). */
  readonly maxPerAddress: number;
  /** Attempts per username, any address (guessing one account from many addresses). */
  readonly maxPerAccount: number;
  readonly timeWindowMs: number;
}

/** The outcome of counting an attempt: go ahead (and settle it later), or wait. */
export type LoginAdmission =
  | { readonly allowed: true; readonly counted: readonly AttemptCount[] }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly key: 'pair' | 'address' | 'account' };

// Purging ended windows costs a statement; once per window per process is plenty.
const PURGE_EVERY_WINDOWS = 1;

/**
 * Login throttling that holds under a burst and across server processes: every attempt is counted
 * in the database BEFORE the password is hashed, by one atomic upsert per attempt, so 40 parallel
 * guesses see 40 distinct counts and only the first `max` reach the password check; the rest get
 * 429, the right password included. Three counters per attempt (address + username, address,
 * username), each in a fixed window that starts at its first attempt. A successful login takes its
 * own attempt back (successes never count), which cannot free the failures around it.
 *
 * Keys are sha256 hashes: the table never holds an address or a typed username (people type
 * passwords into the username field).
 *
 * @example
 * const admission = await throttle.admit(req.ip, username);
 * if (!admission.allowed) throw problems.rateLimited(Math.ceil(admission.retryAfterMs / 1000));
 * // ... verify the password; on success:
 * await throttle.succeeded(admission);
 */
export function loginThrottle(store: Store, limits: LoginLimits) {
  let lastPurge = 0;
  return {
    async admit(address: string, username: string): Promise<LoginAdmission> {
      const keys = {
        pair: sha256(`login|a:${address}|u:${username}`),
        address: sha256(`login|a:${address}`),
        account: sha256(`login|u:${username}`),
      } as const;
      const max = { pair: limits.max, address: limits.maxPerAddress, account: limits.maxPerAccount } as const;
      const counted = await store.loginAttempts.count(Object.values(keys), limits.timeWindowMs);
      const now = Date.now();
      if (now - lastPurge > PURGE_EVERY_WINDOWS * limits.timeWindowMs) {
        lastPurge = now;
        void store.loginAttempts.purge(limits.timeWindowMs).catch(() => undefined);
      }
      let refusal: { retryAfterMs: number; key: keyof typeof keys } | null = null;
      for (const name of ['pair', 'address', 'account'] as const) {
        const c = counted.find((x) => x.key === keys[name]);
        if (!c || c.count <= max[name]) continue;
        const retryAfterMs = Math.max(1, c.resetsInMs);
        if (!refusal || retryAfterMs > refusal.retryAfterMs) refusal = { retryAfterMs, key: name };
      }
      return refusal ? { allowed: false, ...refusal } : { allowed: true, counted };
    },

    /** The password was right: this attempt does not count. */
    async succeeded(admission: LoginAdmission): Promise<void> {
      if (admission.allowed) await store.loginAttempts.refund(admission.counted);
    },
  };
}
