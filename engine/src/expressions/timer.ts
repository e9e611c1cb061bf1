import { CronExpressionParser } from 'cron-parser';
import { isTimeZone, offsetAt } from '../calendar/zone.js';
import { feelSyntaxError } from './feel.js';
import { currentTimerLimits } from './limits.js';

/**
 * Timer values as BPMN and Zeebe write them, all in UTC:
 * - `date`: an ISO 8601 date-time with `Z` or an offset (`2026-01-01T09:00:00+08:00`).
 * - `duration`: an ISO 8601 duration (`PT15M`, `P1DT12H`, `P2W`, `P1Y2M`).
 * - `cycle`: an ISO 8601 repeating interval (`R3/PT10M`, `R/PT1H`, `R5/2026-01-01T09:00:00Z/P1D`)
 *   or a cron expression of 5 fields (`min hour dom month dow`) or 6 (seconds first, as Zeebe).
 *
 * Schedule semantics (`nextTimerDue`, `nextCycleDue`):
 * - date: due at that instant (a past instant is due at once).
 * - duration: due at `now + duration`.
 * - repeating interval without a start: first due at `now + interval`, then every interval.
 * - repeating interval with a start: the occurrences are `start + k·interval` (k = 0, 1, ...), as
 *   ISO 8601 means; the first due is the first occurrence at or after `now`. A start in the past
 *   has used up the repetitions that fell before `now`.
 * - `remaining` counts the occurrences still to come AFTER the returned one: `R3/PT10M` first
 *   answers remaining 2; `R/...` and cron answer null (unbounded).
 * - cron: the next match strictly after `now` (then after the last due).
 *
 * Bounds (checked at deploy for static values, and when a timer is armed for values from FEEL or
 * variables, so a bad value is a deploy problem or an incident, never a RangeError):
 * - dates lie in the years 1970 to 9999;
 * - a duration, or a cycle's interval, is at most `maxDurationYears` (default 100) long, a year
 *   counted as 366 days and a month as 31;
 * - a cycle repeats no more often than every `minCycleMs` (default 1 s); for cron, the gaps
 *   between its next occurrences are measured. Both are set with `setTimerLimits`.
 */

/** A parsed ISO 8601 duration: calendar parts (years, months) kept apart from the exact part. */
export interface Duration {
  /** Weeks, days, hours, minutes and seconds in milliseconds (a day is 24 h: the engine runs in UTC). */
  readonly ms?: number;
  readonly months?: number;
  readonly years?: number;
}

export type TimerType = 'date' | 'duration' | 'cycle';

/** Where a timer is due next and how many repetitions follow it (null = unbounded or none). */
export interface TimerDue {
  readonly dueAt: Date;
  readonly remaining: number | null;
}

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,3})?)S)?)?$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?(?:@([\w/+-]+)|\[([\w/+-]+)\])?$/;
const REPEAT = /^R(\d*)$/;
const SECOND = 1000;
const DAY = 86_400_000;
/** Dates a timer may name: 1970-01-01 to 9999-12-31, in UTC. */
const MIN_DATE = 0;
const MAX_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Parses `PnYnMnWnDTnHnMnS` (fractional seconds allowed); null when not a valid duration or too long. */
export function parseDuration(iso: string): Duration | null {
  const duration = readDuration(iso);
  return typeof duration === 'string' ? null : duration;
}

/** A duration, or why it is not one (not ISO 8601, or longer than `maxDurationYears`). */
function readDuration(iso: string): Duration | string {
  const text = iso.trim();
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T'))
    return `'${text}' is not an ISO 8601 duration, like PT15M or P1D`;
  const [, years, months, weeks, days, hours, minutes, seconds] = match;
  const ms =
    num(weeks) * 7 * DAY +
    num(days) * DAY +
    num(hours) * 3_600_000 +
    num(minutes) * 60_000 +
    Math.round(Number((seconds ?? '0').replace(',', '.')) * SECOND);
  const maxYears = currentTimerLimits().maxDurationYears;
  const longest = (num(years) * 366 + num(months) * 31) * DAY + ms;
  if (!Number.isFinite(longest) || longest > maxYears * 366 * DAY)
    return `'${text}' is longer than the maximum of ${maxYears} years`;
  const result: { ms?: number; months?: number; years?: number } = {};
  if (ms > 0 || (!years && !months)) result.ms = ms;
  if (months) result.months = Number(months);
  if (years) result.years = Number(years);
  return result;
}

/** Adds a duration: years and months by the calendar (Jan 31 + P1M = Feb 28/29), the rest exactly. */
export function addDuration(date: Date, duration: Duration): Date {
  const result = new Date(date.getTime());
  const months = (duration.years ?? 0) * 12 + (duration.months ?? 0);
  if (months !== 0) {
    const day = result.getUTCDate();
    result.setUTCDate(1);
    result.setUTCMonth(result.getUTCMonth() + months);
    result.setUTCDate(Math.min(day, daysInMonth(result.getUTCFullYear(), result.getUTCMonth())));
  }
  return new Date(result.getTime() + (duration.ms ?? 0));
}

/**
 * Parses an ISO 8601 date-time. Strict (the default, for what a modeler typed): a time and a zone
 * (`Z`, an offset, or a zone id as `@Europe/Berlin` or `[Europe/Berlin]`) are required, because a
 * bare local time means different instants on different servers. Lenient (for values FEEL computed,
 * which often come without a zone): a missing zone means UTC and a date alone means its midnight.
 */
export function parseDateTime(iso: string, options: { readonly lenient?: boolean } = {}): Date | null {
  const date = readDateTime(iso, options);
  return date && date.getTime() >= MIN_DATE && date.getTime() <= MAX_DATE ? date : null;
}

function readDateTime(iso: string, options: { readonly lenient?: boolean }): Date | null {
  const match = DATE_TIME.exec(iso.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, offset, zoneAt, zoneBracket] = match;
  const zone = zoneAt ?? zoneBracket;
  if (!options.lenient && (hour === undefined || (offset === undefined && zone === undefined))) return null;
  const [y, mo, d, h, mi, sec] = [year, month, day, hour, minute, second].map((part) =>
    Number(part ?? 0),
  ) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo - 1) || h > 23 || mi > 59 || sec > 59) return null;
  const wallClock = Date.UTC(y, mo - 1, d, h, mi, sec, Math.round(Number(fraction ?? 0) * SECOND));
  if (offset !== undefined) return new Date(wallClock - offsetMs(offset));
  if (zone !== undefined) {
    // Two passes: the zone's offset at the first guess may differ across a DST change.
    const first = zoneOffsetMs(zone, wallClock);
    if (first === null) return null;
    return new Date(wallClock - (zoneOffsetMs(zone, wallClock - first) ?? first));
  }
  return new Date(wallClock);
}

/** Null when `value` is a valid timer of `type`, else a readable problem. `=expr` is only syntax-checked. */
export function parseTimerValue(type: TimerType, value: string): string | null {
  const text = value.trim();
  if (text === '') return `the timer ${type} is empty`;
  if (text.startsWith('=')) return feelSyntaxError(text.slice(1));
  switch (type) {
    case 'date':
      return dateProblem(text, false);
    case 'duration': {
      const duration = readDuration(text);
      return typeof duration === 'string' ? duration : null;
    }
    case 'cycle': {
      const cycle = parseCycle(text, false, true);
      return typeof cycle === 'string' ? cycle : null;
    }
  }
}

/** The first due time of a timer, or null when the value is invalid or has no occurrence left. */
export function nextTimerDue(
  type: TimerType,
  value: string,
  now: Date,
  previous?: { readonly remaining: number | null },
): TimerDue | null {
  const due = timerDue(type, value, now, previous);
  return typeof due === 'string' ? null : due;
}

/**
 * The first due time of a timer, or why there is none: the value is invalid, out of range, cycles
 * faster than `minCycleMs`, or has no occurrence left. Values here come from FEEL or variables, so
 * dates and durations are read leniently (a missing zone means UTC).
 */
export function timerDue(
  type: TimerType,
  value: string,
  now: Date,
  previous?: { readonly remaining: number | null },
): TimerDue | string {
  const text = value.trim();
  if (type === 'date') {
    const date = parseDateTime(text, { lenient: true });
    return date ? { dueAt: date, remaining: null } : (dateProblem(text, true) ?? `'${text}' is not a date`);
  }
  if (type === 'duration') {
    const duration = readDuration(text);
    return typeof duration === 'string' ? duration : { dueAt: addDuration(now, duration), remaining: null };
  }
  const cycle = parseCycle(text, true, true);
  if (typeof cycle === 'string') return cycle;
  if (cycle.kind === 'cron') return nextCron(cycle.expression, now) ?? `'${text}' has no next occurrence`;
  const first = firstOccurrence(cycle, now);
  if (!first) return `'${text}' has no occurrence left`;
  if (previous) return { dueAt: first.dueAt, remaining: previous.remaining };
  return first;
}

/** The occurrence after `lastDue` of a cycle timer, or null when no repetition remains. */
export function nextCycleDue(value: string, lastDue: Date, remaining: number | null): TimerDue | null {
  // No minimum-interval check here: the value passed it when the timer was first armed, and a
  // limit raised later must not silently end cycles that already run.
  const cycle = parseCycle(value.trim(), true, false);
  if (typeof cycle === 'string') return null;
  if (cycle.kind === 'cron') return nextCron(cycle.expression, lastDue);
  if (remaining !== null && remaining <= 0) return null;
  const dueAt = addDuration(lastDue, cycle.interval);
  if (dueAt.getTime() > MAX_DATE) return null;
  return { dueAt, remaining: remaining === null ? null : remaining - 1 };
}

function dateProblem(text: string, lenient: boolean): string | null {
  const date = readDateTime(text, { lenient });
  if (!date)
    return lenient
      ? `'${text}' is not an ISO 8601 date-time, like 2026-01-01T09:00:00Z`
      : `'${text}' is not an ISO 8601 date-time with a zone, like 2026-01-01T09:00:00Z`;
  if (date.getTime() < MIN_DATE || date.getTime() > MAX_DATE)
    return `'${text}' is outside the years 1970 to 9999`;
  return null;
}

type Cycle =
  | {
      readonly kind: 'interval';
      readonly repetitions: number | null;
      readonly start?: Date;
      readonly interval: Duration;
    }
  | { readonly kind: 'cron'; readonly expression: string };

function parseCycle(text: string, lenient: boolean, checkMinimum: boolean): Cycle | string {
  const cycle = text.startsWith('R') ? parseRepeatingInterval(text, lenient) : parseCron(text);
  if (typeof cycle === 'string' || !checkMinimum) return cycle;
  const minMs = currentTimerLimits().minCycleMs;
  const shortest = cycle.kind === 'cron' ? shortestCronGap(cycle.expression) : exactMs(cycle.interval);
  if (shortest !== null && shortest < minMs)
    return `'${text}' repeats every ${shortest} ms, more often than the minimum of ${minMs} ms`;
  return cycle;
}

function parseCron(text: string): Cycle | string {
  const fields = text.split(/\s+/);
  if (!text.startsWith('@') && fields.length !== 5 && fields.length !== 6) {
    return `'${text}' is neither a repeating interval (R3/PT10M) nor a cron expression of 5 or 6 fields`;
  }
  try {
    CronExpressionParser.parse(text, { tz: 'UTC' });
    return { kind: 'cron', expression: text };
  } catch (error) {
    return `'${text}' is not a valid cron expression: ${(error as Error).message}`;
  }
}

/** An interval's length when it has no calendar part (months and years are never short). */
function exactMs(interval: Duration): number | null {
  return interval.years || interval.months ? null : (interval.ms ?? 0);
}

/** How many occurrences of a cron expression are sampled to find its shortest gap. */
const CRON_SAMPLES = 8;

/** The shortest gap between the next few occurrences of a cron expression (null if it has fewer). */
function shortestCronGap(expression: string): number | null {
  try {
    const cron = CronExpressionParser.parse(expression, {
      currentDate: new Date(Date.UTC(2026, 0, 1)),
      tz: 'UTC',
    });
    let previous = cron.next().getTime();
    let shortest: number | null = null;
    for (let i = 0; i < CRON_SAMPLES && cron.hasNext(); i++) {
      const next = cron.next().getTime();
      shortest = Math.min(shortest ?? Number.POSITIVE_INFINITY, next - previous);
      previous = next;
    }
    return shortest;
  } catch {
    return null;
  }
}

function parseRepeatingInterval(text: string, lenient: boolean): Cycle | string {
  const parts = text.split('/');
  const repeat = REPEAT.exec(parts[0] ?? '');
  const example = 'like R3/PT10M or R/2026-01-01T09:00:00Z/P1D';
  if (!repeat || parts.length < 2 || parts.length > 3)
    return `'${text}' is not a repeating interval, ${example}`;
  const repetitions = repeat[1] ? Number(repeat[1]) : null;
  if (repetitions === 0) return `'${text}' repeats zero times`;
  const start = parts.length === 3 ? parseDateTime(parts[1] ?? '', { lenient }) : undefined;
  if (start === null)
    return `'${parts[1]}' in '${text}' is not an ISO 8601 date-time with a zone in the years 1970 to 9999`;
  const intervalText = parts[parts.length - 1] ?? '';
  const interval = readDuration(intervalText);
  if (typeof interval === 'string')
    return DURATION.test(intervalText.trim())
      ? `${interval} (in '${text}')`
      : `'${intervalText}' in '${text}' is not an ISO 8601 duration, ${example}`;
  if (!interval.years && !interval.months && !interval.ms) return `'${text}' has an interval of zero`;
  return start
    ? { kind: 'interval', repetitions, start, interval }
    : { kind: 'interval', repetitions, interval };
}

function firstOccurrence(cycle: Extract<Cycle, { kind: 'interval' }>, now: Date): TimerDue | null {
  const { repetitions, start, interval } = cycle;
  const remainingAfter = (index: number) => (repetitions === null ? null : repetitions - 1 - index);
  if (!start) return { dueAt: addDuration(now, interval), remaining: remainingAfter(0) };
  let index = 0;
  let dueAt = start;
  if (!interval.years && !interval.months && interval.ms) {
    // Exact intervals: jump straight to the grid point instead of stepping through years of them.
    index = Math.max(0, Math.ceil((now.getTime() - start.getTime()) / interval.ms));
    dueAt = new Date(start.getTime() + index * interval.ms);
  } else {
    while (dueAt < now) {
      index += 1;
      dueAt = addDuration(start, scale(interval, index));
    }
  }
  if (repetitions !== null && index >= repetitions) return null;
  return { dueAt, remaining: remainingAfter(index) };
}

function scale(duration: Duration, factor: number): Duration {
  return {
    ms: (duration.ms ?? 0) * factor,
    months: (duration.months ?? 0) * factor,
    years: (duration.years ?? 0) * factor,
  };
}

/** The next match strictly after `after`; null when there is none before the year 10000. */
function nextCron(expression: string, after: Date): TimerDue | null {
  try {
    const dueAt = CronExpressionParser.parse(expression, { currentDate: after, tz: 'UTC' }).next().toDate();
    return Number.isFinite(dueAt.getTime()) && dueAt.getTime() <= MAX_DATE
      ? { dueAt, remaining: null }
      : null;
  } catch {
    return null;
  }
}

/** `+08:00`, `-0530` -> milliseconds east of UTC. */
function offsetMs(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** How far an IANA zone's wall clock is ahead of UTC at an instant; null for an unknown zone. */
function zoneOffsetMs(zone: string, instant: number): number | null {
  return isTimeZone(zone) ? offsetAt(zone, instant) : null;
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function num(text: string | undefined): number {
  return text ? Number(text) : 0;
}
