import { InvalidArgumentError } from '../errors.js';

/**
 * The budgets that user-supplied expressions and times run under. Process-wide (FEEL evaluation is
 * synchronous and called from the pure runtime, which takes no options), set once at start-up.
 *
 * @example
 * setFeelLimits({ timeoutMs: 250 });
 * setTimerLimits({ minCycleMs: 60_000 });
 */
export interface FeelLimits {
  /**
   * Wall-clock time an expression with loops, functions or costly built-ins may run. Default 500 ms:
   * the engine waits for it synchronously, so this is also how long it may hold the event loop.
   */
  readonly timeoutMs: number;
  /** Heap of the isolate such expressions run in; running out ends the evaluation, not the process. Default 64 MB. */
  readonly memoryMb: number;
  /** Size of a result as JSON (UTF-16 code units, about bytes for ASCII). Default 1 MB. */
  readonly maxResultBytes: number;
  /** Stack of that isolate: deep recursion fails fast with a budget error. Default 4 MB. */
  readonly stackMb: number;
}

export interface TimerLimits {
  /** Shortest interval of a timer cycle (repeating interval or cron). Default 1,000 ms. */
  readonly minCycleMs: number;
  /** Longest timer duration or cycle interval, in years (calendar years of 366 days). Default 100. */
  readonly maxDurationYears: number;
}

const DEFAULT_FEEL_LIMITS: FeelLimits = {
  timeoutMs: 500,
  memoryMb: 64,
  maxResultBytes: 1_000_000,
  stackMb: 4,
};
const DEFAULT_TIMER_LIMITS: TimerLimits = { minCycleMs: 1000, maxDurationYears: 100 };

let feelLimits = DEFAULT_FEEL_LIMITS;
let timerLimits = DEFAULT_TIMER_LIMITS;
const feelListeners = new Set<() => void>();

/** Changes FEEL budgets (omitted fields keep their value); throws InvalidArgumentError on a non-positive value. */
export function setFeelLimits(limits: Partial<FeelLimits>): FeelLimits {
  feelLimits = { ...feelLimits, ...positive(limits) };
  for (const listener of feelListeners) listener();
  return feelLimits;
}

/** Changes timer bounds (omitted fields keep their value); throws InvalidArgumentError on a non-positive value. */
export function setTimerLimits(limits: Partial<TimerLimits>): TimerLimits {
  timerLimits = { ...timerLimits, ...positive(limits) };
  return timerLimits;
}

/** Puts every budget back to its default (tests that change one restore it with this). */
export function resetLimits(): void {
  setFeelLimits(DEFAULT_FEEL_LIMITS);
  setTimerLimits(DEFAULT_TIMER_LIMITS);
}

export function currentFeelLimits(): FeelLimits {
  return feelLimits;
}

export function currentTimerLimits(): TimerLimits {
  return timerLimits;
}

/** Called after the FEEL limits change (the sandbox restarts with the new memory and stack). */
export function onFeelLimitsChange(listener: () => void): void {
  feelListeners.add(listener);
}

function positive<T extends object>(limits: T): T {
  for (const [name, value] of Object.entries(limits)) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new InvalidArgumentError(`limit '${name}' must be a positive number, got ${String(value)}`);
  }
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) as T;
}
