import { Temporal } from 'temporal-polyfill';
import { problems } from '../errors.js';

/** ISO 8601 text of a date the engine or the database returned (Date or already a string). */
export function iso(value: Date | string): string {
  return typeof value === 'string' ? new Date(value).toISOString() : value.toISOString();
}

/** Like `iso`, keeping null. */
export function isoOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : iso(value);
}

/**
 * The one way a date-time a caller sent (query string or body) becomes a `Date`: RFC 3339 with an
 * offset, parsed by Temporal, which refuses an impossible date (`2026-02-30`) and reads a leap
 * second (`23:59:60`) as the second before it, as POSIX time does. `new Date()` returns Invalid
 * Date for a leap second, which reached the database and came back as a 500.
 *
 * Throws a 400 `INVALID_DATE` whose error points at `pointer` (e.g. `/dueBefore`).
 *
 * @example parseDateTime('2026-12-31T23:59:60Z', '/dueBefore') // 2026-12-31T23:59:59.000Z
 */
export function parseDateTime(text: string, pointer: string): Date {
  let epochMilliseconds: number;
  try {
    epochMilliseconds = Temporal.Instant.from(text).epochMilliseconds;
  } catch {
    throw invalidDate(pointer, 'must be an RFC 3339 date-time with an offset, such as 2026-03-02T09:00:00Z');
  }
  const date = new Date(epochMilliseconds);
  // RFC 3339 allows the year 0000; PostgreSQL has no year 0 (1 BC follows AD 1) and refuses it.
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw invalidDate(pointer, 'must fall in the years 0001 to 9999');
  return date;
}

/** Like `parseDateTime`, passing `undefined` through (an absent optional parameter). */
export function parseOptionalDateTime(text: string | undefined, pointer: string): Date | undefined {
  return text === undefined ? undefined : parseDateTime(text, pointer);
}

function invalidDate(pointer: string, message: string) {
  return problems.badRequest('INVALID_DATE', `${pointer.slice(1) || 'The date'} is not a valid date-time`, [
    { pointer, message },
  ]);
}
