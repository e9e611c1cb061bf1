// Beyond this many tracked keys the oldest are dropped: an attacker spraying usernames must not
// grow memory without bound (they lose their own counters first).
const MAX_KEYS = 100_000;

/**
 * Counts failed logins per key (IP and username) in a sliding window; a key with `max` failures
 * in the window is refused until the oldest of them leaves it. Successful logins never count,
 * and one clears the key's failures. Per process: several server processes each keep their own.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until this key may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const recent = this.#recent(key);
    if (recent.length < this.max) return 0;
    const oldest = recent[recent.length - this.max] ?? this.now();
    return Math.max(1, oldest + this.windowMs - this.now());
  }

  fail(key: string): void {
    const recent = this.#recent(key);
    recent.push(this.now());
    // Only the last `max` failures matter for the decision.
    if (recent.length > this.max) recent.splice(0, recent.length - this.max);
    this.#failures.delete(key);
    this.#failures.set(key, recent);
    if (this.#failures.size > MAX_KEYS) {
      const first = this.#failures.keys().next();
      if (!first.done) this.#failures.delete(first.value);
    }
  }

  succeed(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.#failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.#failures.delete(key);
    return kept;
  }
}
