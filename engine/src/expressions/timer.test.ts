import { afterEach, describe, expect, it } from 'vitest';
import { resetLimits, setTimerLimits } from './limits.js';
import {
  addDuration,
  nextCycleDue,
  nextTimerDue,
  parseDateTime,
  parseDuration,
  parseTimerValue,
  timerDue,
} from './timer.js';

const now = new Date('2026-03-10T08:00:00Z');
const at = (iso: string) => new Date(iso);

describe('parseDuration', () => {
  it('reads exact parts into milliseconds', () => {
    expect(parseDuration('PT15M')).toEqual({ ms: 15 * 60_000 });
    expect(parseDuration('P1DT2H3M4.5S')).toEqual({ ms: 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_500 });
    expect(parseDuration('P2W')).toEqual({ ms: 14 * 86_400_000 });
    expect(parseDuration('PT0S')).toEqual({ ms: 0 });
  });

  it('keeps years and months apart for the calendar', () => {
    expect(parseDuration('P1Y2M')).toEqual({ years: 1, months: 2 });
    expect(parseDuration('P1MT1H')).toEqual({ months: 1, ms: 3_600_000 });
  });

  it('rejects what is not an ISO 8601 duration', () => {
    for (const bad of ['', 'P', 'PT', 'P1DT', '15M', 'PT1.5H', 'P-1D', 'p1d', '1 day', 'P1S']) {
      expect(parseDuration(bad), bad).toBeNull();
    }
  });
});

describe('addDuration', () => {
  it('adds months by the calendar and clamps to the end of the month', () => {
    expect(addDuration(at('2026-01-31T10:00:00Z'), { months: 1 })).toEqual(at('2026-02-28T10:00:00Z'));
    expect(addDuration(at('2028-01-31T10:00:00Z'), { months: 1 })).toEqual(at('2028-02-29T10:00:00Z'));
    expect(addDuration(at('2026-11-15T00:00:00Z'), { years: 1, months: 2 })).toEqual(
      at('2028-01-15T00:00:00Z'),
    );
  });

  it('adds exact parts after the calendar parts', () => {
    expect(addDuration(at('2026-01-31T23:30:00Z'), { months: 1, ms: 3_600_000 })).toEqual(
      at('2026-03-01T00:30:00Z'),
    );
  });
});

describe('parseDateTime', () => {
  it('reads offsets and zone ids', () => {
    expect(parseDateTime('2026-01-01T09:00:00+08:00')).toEqual(at('2026-01-01T01:00:00Z'));
    expect(parseDateTime('2026-01-01T09:00:00-0530')).toEqual(at('2026-01-01T14:30:00Z'));
    expect(parseDateTime('2026-01-01T09:00:00@Europe/Berlin')).toEqual(at('2026-01-01T08:00:00Z'));
    expect(parseDateTime('2026-07-01T09:00:00[Europe/Berlin]')).toEqual(at('2026-07-01T07:00:00Z'));
    expect(parseDateTime('2026-01-01T09:00:00@Mars/Olympus')).toBeNull();
  });

  it('wants a zone unless lenient, where it reads UTC', () => {
    expect(parseDateTime('2026-01-01T09:00:00')).toBeNull();
    expect(parseDateTime('2026-01-01')).toBeNull();
    expect(parseDateTime('2026-01-01T09:00:00', { lenient: true })).toEqual(at('2026-01-01T09:00:00Z'));
    expect(parseDateTime('2026-01-01', { lenient: true })).toEqual(at('2026-01-01T00:00:00Z'));
  });

  it('rejects dates that do not exist', () => {
    expect(parseDateTime('2026-02-29T00:00:00Z')).toBeNull();
    expect(parseDateTime('2026-01-01T24:00:00Z')).toBeNull();
    expect(parseDateTime('2026-13-01T00:00:00Z')).toBeNull();
  });
});

describe('parseTimerValue', () => {
  it('accepts valid dates, durations and cycles', () => {
    expect(parseTimerValue('date', '2026-01-01T09:00:00Z')).toBeNull();
    expect(parseTimerValue('date', '2026-01-01T09:00:00.250+08:00')).toBeNull();
    expect(parseTimerValue('duration', 'P1DT12H')).toBeNull();
    for (const cycle of [
      'R3/PT10M',
      'R/PT1H',
      'R5/2026-01-01T09:00:00Z/P1D',
      '0 9 * * MON-FRI',
      '0 0 9 * * *',
    ]) {
      expect(parseTimerValue('cycle', cycle), cycle).toBeNull();
    }
  });

  it('explains what is wrong with an invalid value', () => {
    expect(parseTimerValue('date', '2026-01-01T09:00:00')).toMatch(/with a zone/);
    expect(parseTimerValue('date', '2026-02-30T09:00:00Z')).toMatch(/not an ISO 8601 date-time/);
    expect(parseTimerValue('duration', '10 minutes')).toMatch(/not an ISO 8601 duration/);
    expect(parseTimerValue('duration', '  ')).toMatch(/empty/);
    expect(parseTimerValue('cycle', 'R0/PT1M')).toMatch(/zero times/);
    expect(parseTimerValue('cycle', 'R3/PT0S')).toMatch(/interval of zero/);
    expect(parseTimerValue('cycle', 'R3/tomorrow/PT1M')).toMatch(/date-time/);
    expect(parseTimerValue('cycle', 'R3/10M')).toMatch(/duration/);
    expect(parseTimerValue('cycle', '0 9 * *')).toMatch(/5 or 6 fields/);
    expect(parseTimerValue('cycle', '61 9 * * *')).toMatch(/not a valid cron expression/);
  });

  it('only syntax-checks FEEL values', () => {
    expect(parseTimerValue('duration', '=reminderDelay')).toBeNull();
    expect(parseTimerValue('date', '=date and time(')).toMatch(/syntax error|position/);
  });
});

describe('nextTimerDue', () => {
  it('is due at the instant of a date timer', () => {
    expect(nextTimerDue('date', '2026-04-01T00:00:00+02:00', now)).toEqual({
      dueAt: at('2026-03-31T22:00:00Z'),
      remaining: null,
    });
  });

  it('reads a date FEEL computed without a zone as UTC', () => {
    expect(nextTimerDue('date', '2026-04-01T10:00:00', now)?.dueAt).toEqual(at('2026-04-01T10:00:00Z'));
  });

  it('is due one duration after now', () => {
    expect(nextTimerDue('duration', 'P1M', now)).toEqual({
      dueAt: at('2026-04-10T08:00:00Z'),
      remaining: null,
    });
  });

  it('starts a repeating interval without a start one interval after now', () => {
    expect(nextTimerDue('cycle', 'R3/PT10M', now)).toEqual({
      dueAt: at('2026-03-10T08:10:00Z'),
      remaining: 2,
    });
    expect(nextTimerDue('cycle', 'R/PT1H', now)).toEqual({
      dueAt: at('2026-03-10T09:00:00Z'),
      remaining: null,
    });
  });

  it('fires a future start itself first', () => {
    expect(nextTimerDue('cycle', 'R5/2026-03-12T09:00:00Z/P1D', now)).toEqual({
      dueAt: at('2026-03-12T09:00:00Z'),
      remaining: 4,
    });
  });

  it('counts the repetitions a past start has used up', () => {
    // given five daily occurrences from two days ago, three of them already past
    const value = 'R5/2026-03-08T06:00:00Z/P1D';
    // then the next is the fourth, with one to follow
    expect(nextTimerDue('cycle', value, now)).toEqual({ dueAt: at('2026-03-11T06:00:00Z'), remaining: 1 });
    expect(nextTimerDue('cycle', 'R2/2026-03-01T00:00:00Z/P1D', now)).toBeNull();
  });

  it('keeps the remaining count it is given when rescheduling', () => {
    expect(nextTimerDue('cycle', 'R3/PT10M', now, { remaining: 1 })?.remaining).toBe(1);
  });

  it('finds the next cron match strictly after now', () => {
    expect(nextTimerDue('cycle', '0 8 * * *', now)).toEqual({
      dueAt: at('2026-03-11T08:00:00Z'),
      remaining: null,
    });
    expect(nextTimerDue('cycle', '30 0 9 * * *', now)?.dueAt).toEqual(at('2026-03-10T09:00:30Z'));
  });

  it('answers null for an invalid value', () => {
    expect(nextTimerDue('duration', 'soon', now)).toBeNull();
    expect(nextTimerDue('cycle', 'R3/soon', now)).toBeNull();
  });
});

describe('nextCycleDue', () => {
  it('steps a repeating interval until the repetitions run out', () => {
    const first = nextTimerDue('cycle', 'R2/PT10M', now);
    expect(first).toEqual({ dueAt: at('2026-03-10T08:10:00Z'), remaining: 1 });
    const second = nextCycleDue('R2/PT10M', at('2026-03-10T08:10:00Z'), 1);
    expect(second).toEqual({ dueAt: at('2026-03-10T08:20:00Z'), remaining: 0 });
    expect(nextCycleDue('R2/PT10M', at('2026-03-10T08:20:00Z'), 0)).toBeNull();
  });

  it('repeats an unbounded interval forever', () => {
    expect(nextCycleDue('R/P1D', now, null)).toEqual({ dueAt: at('2026-03-11T08:00:00Z'), remaining: null });
  });

  it('follows cron from the last due time', () => {
    expect(nextCycleDue('0 9 * * MON-FRI', at('2026-03-13T09:00:00Z'), null)?.dueAt).toEqual(
      at('2026-03-16T09:00:00Z'),
    );
  });
});

describe('timer bounds', () => {
  afterEach(() => resetLimits());

  it('refuses durations longer than 100 years, at deploy and when computed', () => {
    // when values are too long for any timer
    const deployed = parseTimerValue('duration', 'PT99999999999999999H');
    const computed = timerDue('duration', 'P101Y', now);
    // then both say why, and nothing throws a RangeError
    expect(deployed).toMatch(/longer than the maximum of 100 years/);
    expect(computed).toMatch(/longer than the maximum of 100 years/);
    expect(nextTimerDue('duration', 'P99999999999999999999D', now)).toBeNull();
    expect(timerDue('duration', 'P100Y', now)).toEqual({
      dueAt: at('2126-03-10T08:00:00Z'),
      remaining: null,
    });
  });

  it('refuses dates outside the years 1970 to 9999', () => {
    expect(parseTimerValue('date', '1969-12-31T23:59:59Z')).toMatch(/outside the years 1970 to 9999/);
    expect(timerDue('date', '9999-12-31T23:59:59+00:00', now)).toEqual({
      dueAt: at('9999-12-31T23:59:59Z'),
      remaining: null,
    });
    expect(timerDue('date', '0000-01-01', now)).toMatch(/outside the years 1970 to 9999/);
  });

  it('refuses cycles more frequent than the minimum interval, for intervals and cron alike', () => {
    expect(parseTimerValue('cycle', 'R/PT0.001S')).toMatch(
      /repeats every 1 ms, more often than the minimum of 1000 ms/,
    );
    expect(timerDue('cycle', 'R5/PT0.5S', now)).toMatch(/more often than the minimum/);
    expect(parseTimerValue('cycle', 'R/PT1S')).toBeNull();
    expect(parseTimerValue('cycle', '* * * * * *')).toBeNull();
    // given a minimum of one minute
    setTimerLimits({ minCycleMs: 60_000 });
    // then a cron firing every second, or at seconds 0 and 1, is refused; every minute is fine
    expect(parseTimerValue('cycle', '* * * * * *')).toMatch(/repeats every 1000 ms/);
    expect(parseTimerValue('cycle', '0,1 * * * * *')).toMatch(/repeats every 1000 ms/);
    expect(parseTimerValue('cycle', '*/5 * * * *')).toBeNull();
    expect(parseTimerValue('cycle', 'R/PT30S')).toMatch(/more often than the minimum of 60000 ms/);
  });

  it('answers a cron with no next occurrence with a problem, not an exception', () => {
    expect(timerDue('cycle', '0 0 31 2 *', now)).toEqual(expect.any(String));
  });
});
