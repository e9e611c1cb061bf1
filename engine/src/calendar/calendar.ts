import { instantOf, isoDate, isoWeekday, isTimeZone, type LocalDate, localDateAt, nextDate } from './zone.js';

/**
 * Business calendars and working-time arithmetic (docs/TEAMS.md, "Working hours"). Pure: no
 * clock, no database. Working hours are wall-clock times in the calendar's IANA zone, so a
 * working day keeps 09:00-18:00 across daylight-saving changes.
 */

/** One stretch of working time in a day, `HH:MM`-`HH:MM` (end may be `24:00`). */
export interface WorkingHours {
  readonly start: string;
  readonly end: string;
}

/** A date (`YYYY-MM-DD`, local to the calendar) with an optional name ("National Day"). */
export interface CalendarDay {
  readonly date: string;
  readonly name?: string;
}

/**
 * A business calendar. A date is a working day when it is a make-up working day (调休: a weekend
 * day worked in exchange for a longer holiday), or when its weekday is a working day and it is
 * not a holiday. Every working day has the same `hours`.
 */
export interface BusinessCalendar {
  readonly id: string;
  readonly name: string;
  /** IANA zone name, e.g. `Asia/Shanghai`. */
  readonly timeZone: string;
  /** ISO weekdays: 1 = Monday ... 7 = Sunday. */
  readonly workingDays: readonly number[];
  /** Sorted, non-overlapping. */
  readonly hours: readonly WorkingHours[];
  readonly holidays: readonly CalendarDay[];
  readonly makeUpDays: readonly CalendarDay[];
}

/** Budgets on what an admin may store: a calendar is read on every timer that uses it. */
export const CALENDAR_LIMITS = {
  holidays: 2000,
  makeUpDays: 1000,
  hours: 12,
  name: 200,
  dayName: 100,
} as const;

/**
 * How far working-time arithmetic searches: about ten years of calendar days. A due date beyond
 * it (a duration of 1,000 years, or a calendar whose every date is a holiday) is refused.
 */
export const MAX_SEARCH_DAYS = 3660;

export const CALENDAR_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A problem with a calendar as given, at a JSON pointer into it. */
export interface CalendarIssue {
  readonly pointer: string;
  readonly message: string;
}

/** Working time cannot be computed: no working time within the search bound, or a bad duration. */
export class WorkingTimeError extends Error {
  override readonly name = 'WorkingTimeError';
}

const TIME = /^(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after midnight of `HH:MM` (00:00-24:00), or undefined. */
export function minutesOf(text: string): number | undefined {
  const match = TIME.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
}

function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1900 &&
    year <= 2200 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

/**
 * Checks a calendar as an admin typed it, every problem with its JSON pointer (`/hours/1/end`).
 * The shape (types, required fields) is the request schema's job; this checks meaning.
 */
export function checkCalendar(calendar: BusinessCalendar): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  const add = (pointer: string, message: string) => issues.push({ pointer, message });
  if (!CALENDAR_ID_PATTERN.test(calendar.id))
    add('/id', 'must be 1-63 lower-case letters, digits, - or _, starting with a letter or digit');
  if (calendar.name.trim() === '' || calendar.name.length > CALENDAR_LIMITS.name)
    add('/name', `must be 1-${CALENDAR_LIMITS.name} characters`);
  if (!isTimeZone(calendar.timeZone))
    add('/timeZone', `'${calendar.timeZone}' is not a known IANA time zone`);
  const seenDays = new Set<number>();
  calendar.workingDays.forEach((day, index) => {
    if (!Number.isInteger(day) || day < 1 || day > 7)
      add(`/workingDays/${index}`, 'must be an ISO weekday, 1 (Monday) to 7 (Sunday)');
    else if (seenDays.has(day)) add(`/workingDays/${index}`, `weekday ${day} is listed twice`);
    seenDays.add(day);
  });
  if (calendar.hours.length === 0) add('/hours', 'needs at least one stretch of working hours');
  if (calendar.hours.length > CALENDAR_LIMITS.hours)
    add('/hours', `at most ${CALENDAR_LIMITS.hours} stretches of working hours`);
  let previousEnd = -1;
  calendar.hours.forEach((hours, index) => {
    const start = minutesOf(hours.start);
    const end = minutesOf(hours.end);
    if (start === undefined || start >= 24 * 60)
      add(`/hours/${index}/start`, `'${hours.start}' is not a time of day (HH:MM, 00:00-23:59)`);
    if (end === undefined)
      add(`/hours/${index}/end`, `'${hours.end}' is not a time of day (HH:MM, 00:00-24:00)`);
    if (start === undefined || end === undefined) return;
    if (end <= start) add(`/hours/${index}/end`, `must be after the start (${hours.start})`);
    else if (start < previousEnd)
      add(`/hours/${index}/start`, 'overlaps or comes before the previous stretch');
    previousEnd = Math.max(previousEnd, end);
  });
  const dates = (key: 'holidays' | 'makeUpDays', limit: number) => {
    const list = calendar[key];
    if (list.length > limit) add(`/${key}`, `at most ${limit} dates`);
    const seen = new Set<string>();
    list.slice(0, limit).forEach((day, index) => {
      if (!isRealDate(day.date)) add(`/${key}/${index}/date`, `'${day.date}' is not a date (YYYY-MM-DD)`);
      else if (seen.has(day.date)) add(`/${key}/${index}/date`, `${day.date} is listed twice`);
      if ((day.name?.length ?? 0) > CALENDAR_LIMITS.dayName)
        add(`/${key}/${index}/name`, `at most ${CALENDAR_LIMITS.dayName} characters`);
      seen.add(day.date);
    });
    return seen;
  };
  const holidays = dates('holidays', CALENDAR_LIMITS.holidays);
  dates('makeUpDays', CALENDAR_LIMITS.makeUpDays);
  calendar.makeUpDays.slice(0, CALENDAR_LIMITS.makeUpDays).forEach((day, index) => {
    if (holidays.has(day.date)) add(`/makeUpDays/${index}/date`, `${day.date} is also a holiday`);
  });
  return issues;
}

/** A checked calendar prepared for arithmetic: sets for the dates, minutes for the hours. */
export class WorkingTime {
  readonly #holidays: ReadonlySet<string>;
  readonly #makeUp: ReadonlySet<string>;
  readonly #weekdays: ReadonlySet<number>;
  readonly #hours: readonly (readonly [number, number])[];
  /** Working milliseconds in one working day (a day of `P1D` working time). */
  readonly dayMs: number;

  constructor(readonly calendar: BusinessCalendar) {
    const issues = checkCalendar(calendar);
    if (issues.length > 0)
      throw new WorkingTimeError(
        `calendar '${calendar.id}': ${issues.map((issue) => `${issue.pointer} ${issue.message}`).join('; ')}`,
      );
    this.#holidays = new Set(calendar.holidays.map((day) => day.date));
    this.#makeUp = new Set(calendar.makeUpDays.map((day) => day.date));
    this.#weekdays = new Set(calendar.workingDays);
    this.#hours = calendar.hours.map(
      (hours) => [minutesOf(hours.start) ?? 0, minutesOf(hours.end) ?? 0] as const,
    );
    this.dayMs = this.#hours.reduce((sum, [start, end]) => sum + (end - start) * 60_000, 0);
  }

  /** Whether `date` (local) is a working day. */
  isWorkingDay(date: LocalDate): boolean {
    const key = isoDate(date);
    if (this.#holidays.has(key)) return false;
    return this.#makeUp.has(key) || this.#weekdays.has(isoWeekday(date));
  }

  /** The working stretches of one local date, as [from, to) epoch milliseconds. */
  intervalsOn(date: LocalDate): readonly (readonly [number, number])[] {
    return this.#day(date).intervals;
  }

  /**
   * A date's stretches and the instant its next date begins, memoized: zone conversions through
   * `Intl` cost about 0.25 ms a day (measured: a one-year span took 85-105 ms uncached), and KPIs
   * measure many spans over the same dates.
   */
  #day(date: LocalDate): {
    readonly intervals: readonly (readonly [number, number])[];
    readonly nextStart: number;
  } {
    const key = isoDate(date);
    const known = this.#days.get(key);
    if (known) return known;
    const zone = this.calendar.timeZone;
    const intervals = this.isWorkingDay(date)
      ? this.#hours
          .map(([start, end]) => [instantOf(zone, date, start), instantOf(zone, date, end)] as const)
          .filter(([from, to]) => to > from)
      : [];
    const day = { intervals, nextStart: instantOf(zone, nextDate(date), 0) };
    if (this.#days.size >= 20_000) this.#days.clear();
    this.#days.set(key, day);
    return day;
  }

  readonly #days = new Map<
    string,
    { readonly intervals: readonly (readonly [number, number])[]; readonly nextStart: number }
  >();

  /**
   * The instant `ms` of working time after `start`. Adding 0 gives `start`; a duration that ends
   * exactly at the end of a stretch gives that end (18:00), not the next morning.
   * @throws WorkingTimeError when the result lies more than MAX_SEARCH_DAYS ahead.
   */
  add(start: Date, ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new WorkingTimeError(`cannot add ${ms} ms of working time`);
    const from = start.getTime();
    if (ms === 0) return new Date(from);
    let remaining = ms;
    let date = localDateAt(this.calendar.timeZone, from);
    for (let day = 0; day < MAX_SEARCH_DAYS; day++) {
      for (const [open, close] of this.intervalsOn(date)) {
        if (close <= from) continue;
        const begin = Math.max(open, from);
        const length = close - begin;
        if (remaining <= length) return new Date(begin + remaining);
        remaining -= length;
      }
      date = nextDate(date);
    }
    throw new WorkingTimeError(
      `calendar '${this.calendar.id}' has not enough working time within ${MAX_SEARCH_DAYS} days`,
    );
  }

  /**
   * Working milliseconds in [from, to); 0 when `to` is not after `from`.
   * @throws WorkingTimeError when the span is longer than MAX_SEARCH_DAYS.
   */
  between(from: Date, to: Date): number {
    const start = from.getTime();
    const end = to.getTime();
    if (end <= start) return 0;
    let total = 0;
    let date = localDateAt(this.calendar.timeZone, start);
    for (let day = 0; day <= MAX_SEARCH_DAYS; day++) {
      const { intervals, nextStart } = this.#day(date);
      for (const [open, close] of intervals) {
        total += Math.max(0, Math.min(close, end) - Math.max(open, start));
      }
      // Stop once the next date begins at or after `end`.
      if (nextStart >= end) return total;
      date = nextDate(date);
    }
    throw new WorkingTimeError(`a span longer than ${MAX_SEARCH_DAYS} days is not measured in working time`);
  }

  /**
   * Milliseconds of working time in an ISO 8601 duration: hours, minutes and seconds are working
   * time; a day is one working day (`dayMs`); a week is as many working days as the calendar
   * works a week. Years and months have no fixed length in working time and are refused.
   */
  durationMs(text: string): number {
    const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text.trim(),
    );
    if (!match || text.trim() === 'P' || text.trim().endsWith('T'))
      throw new WorkingTimeError(
        `'${text}' is not a working-time duration (PnW, PnD, PTnHnMnS; years and months are not working time)`,
      );
    const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const workingDays = weeks * this.calendar.workingDays.length + days;
    return workingDays * this.dayMs + ((hours * 60 + minutes) * 60 + seconds) * 1000;
  }
}
