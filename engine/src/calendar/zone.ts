/**
 * Time-zone arithmetic on `Intl`: the offset of an IANA zone at an instant, and the instant of a
 * local wall-clock time. No table of rules is kept here; the JavaScript runtime's ICU data is the
 * source, so zones follow the runtime's tz database.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // A bounded cache: zones are few, but names come from users.
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows `timeZone` as an IANA zone name (`Europe/Berlin`, `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `epochMs`, in milliseconds (Berlin in summer: +7,200,000). */
export function offsetAt(timeZone: string, epochMs: number): number {
  const seconds = Math.floor(epochMs / 1000) * 1000;
  const parts = formatterOf(timeZone).formatToParts(new Date(seconds));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - seconds;
}

/** A calendar date, as local to some zone. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The local date in `timeZone` at `epochMs`. */
export function localDateAt(timeZone: string, epochMs: number): LocalDate {
  const local = new Date(epochMs + offsetAt(timeZone, epochMs));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

const DAY_MS = 86_400_000;

/**
 * The instant of the local time `minutes` after midnight of `date` in `timeZone`. A time that
 * does not exist (skipped by a spring-forward change) moves forward by the gap, and a time that
 * happens twice (fall back) takes the earlier instant: Temporal's `compatible` disambiguation.
 */
export function instantOf(timeZone: string, date: LocalDate, minutes: number): number {
  const local = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const before = offsetAt(timeZone, local - DAY_MS);
  const after = offsetAt(timeZone, local + DAY_MS);
  // No change of offset within a day either side (most days, and every day of fixed zones).
  if (before === after && offsetAt(timeZone, local - before) === before) return local - before;
  const earlier = local - before;
  const later = local - after;
  const earlierValid = offsetAt(timeZone, earlier) === before;
  const laterValid = offsetAt(timeZone, later) === after;
  if (earlierValid && laterValid) return Math.min(earlier, later);
  if (earlierValid) return earlier;
  if (laterValid) return later;
  // In a gap: the offset before the change, which lands after the gap.
  return earlier;
}

/** The next calendar date. */
export function nextDate(date: LocalDate): LocalDate {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/** `YYYY-MM-DD`. */
export function isoDate(date: LocalDate): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return day === 0 ? 7 : day;
}
