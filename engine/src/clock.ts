/**
 * The engine's only source of time. Engine code paths never read the wall clock directly, so
 * tests run timers on a `VirtualClock` by advancing it, never by sleeping.
 */
export interface Clock {
  now(): Date;
}

/** The wall clock, for production. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; `advance` and `set` drive timers in tests. */
export class VirtualClock implements Clock {
  #millis: number;

  constructor(start: Date = new Date('2026-01-05T09:00:00.000Z')) {
    this.#millis = start.getTime();
  }

  now(): Date {
    return new Date(this.#millis);
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#millis += ms;
  }

  /** Jumps to `date` (backwards too, for odd tests). */
  set(date: Date): void {
    this.#millis = date.getTime();
  }
}
