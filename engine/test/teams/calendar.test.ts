import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BusinessCalendar,
  checkCalendar,
  WorkingTime,
  WorkingTimeError,
} from '../../src/calendar/calendar.js';
import { CN_CALENDAR, DEFAULT_CALENDAR } from '../../src/calendar/seeds.js';

const HOUR = 3_600_000;
const utc = (text: string) => new Date(text);

const office = (overrides: Partial<BusinessCalendar> = {}): BusinessCalendar => ({
  id: 'office',
  name: 'Office',
  timeZone: 'UTC',
  workingDays: [1, 2, 3, 4, 5],
  hours: [
    { start: '09:00', end: '12:00' },
    { start: '13:00', end: '18:00' },
  ],
  holidays: [],
  makeUpDays: [],
  ...overrides,
});

describe('working-time arithmetic', () => {
  it('counts PT16H as two 8-hour working days, skipping the weekend', () => {
    // given an 8-hour day (09-12, 13-18) and Friday 09:00
    const time = new WorkingTime(office());
    // when 16 working hours are added
    const due = time.add(utc('2026-01-09T09:00:00Z'), time.durationMs('PT16H'));
    // then Friday and Monday are used up: Monday 18:00
    expect(due.toISOString()).toBe('2026-01-12T18:00:00.000Z');
    expect(time.durationMs('P2D')).toBe(16 * HOUR);
  });

  it('starts outside working hours at the next opening and skips the lunch break', () => {
    const time = new WorkingTime(office());
    // Saturday evening + 4h -> Monday 09:00 + 3h, lunch, 13:00 + 1h
    expect(time.add(utc('2026-01-10T20:00:00Z'), 4 * HOUR).toISOString()).toBe('2026-01-12T14:00:00.000Z');
    expect(time.between(utc('2026-01-10T20:00:00Z'), utc('2026-01-12T14:00:00Z'))).toBe(4 * HOUR);
  });

  it('skips holidays and works make-up days', () => {
    // given Monday 12 January a holiday and Saturday 17 January a make-up working day
    const time = new WorkingTime(
      office({ holidays: [{ date: '2026-01-12', name: 'Holiday' }], makeUpDays: [{ date: '2026-01-17' }] }),
    );
    // then Friday 18:00 + 1h is Tuesday 10:00
    expect(time.add(utc('2026-01-09T18:00:00Z'), HOUR).toISOString()).toBe('2026-01-13T10:00:00.000Z');
    // and Friday 16 January 18:00 + 1h is the Saturday
    expect(time.add(utc('2026-01-16T18:00:00Z'), HOUR).toISOString()).toBe('2026-01-17T10:00:00.000Z');
    expect(time.between(utc('2026-01-17T00:00:00Z'), utc('2026-01-18T00:00:00Z'))).toBe(8 * HOUR);
  });

  it('keeps 09:00 local across the spring-forward change in Europe/Berlin', () => {
    const time = new WorkingTime(
      office({ timeZone: 'Europe/Berlin', hours: [{ start: '09:00', end: '17:00' }] }),
    );
    // Friday 27 March 2026 16:00 CET (15:00Z) + 2h: 1h on Friday, then Monday 30 March 09:00 CEST (07:00Z) + 1h
    expect(time.add(utc('2026-03-27T15:00:00Z'), 2 * HOUR).toISOString()).toBe('2026-03-30T08:00:00.000Z');
    // and the fall-back change on 25 October: Monday 26 October 09:00 CET is 08:00Z
    expect(time.add(utc('2026-10-23T14:00:00Z'), 2 * HOUR).toISOString()).toBe('2026-10-26T09:00:00.000Z');
  });

  it('keeps 09:00 local across daylight saving in America/New_York', () => {
    const time = new WorkingTime(
      office({ timeZone: 'America/New_York', hours: [{ start: '09:00', end: '17:00' }] }),
    );
    // Friday 6 March 2026 16:00 EST (21:00Z) + 2h -> Monday 9 March 10:00 EDT (14:00Z)
    expect(time.add(utc('2026-03-06T21:00:00Z'), 2 * HOUR).toISOString()).toBe('2026-03-09T14:00:00.000Z');
  });

  it('follows the State Council calendar in Asia/Shanghai: Spring Festival and its make-up Saturday', () => {
    const time = new WorkingTime(CN_CALENDAR);
    // Friday 13 February 2026 17:00 (09:00Z) + 2h: 1h on Friday, Saturday 14 February is a make-up day
    // (09:00-10:00 local = 01:00-02:00Z)
    expect(time.add(utc('2026-02-13T09:00:00Z'), 2 * HOUR).toISOString()).toBe('2026-02-14T02:00:00.000Z');
    // 15-23 February are holidays: Saturday 18:00 + 1h is Tuesday 24 February 10:00 local
    expect(time.add(utc('2026-02-14T10:00:00Z'), HOUR).toISOString()).toBe('2026-02-24T02:00:00.000Z');
    // a working day is 7.5 hours (09:00-12:00, 13:30-18:00)
    expect(time.durationMs('P1D')).toBe(7.5 * HOUR);
    expect(time.between(utc('2026-02-15T00:00:00Z'), utc('2026-02-24T00:00:00Z'))).toBe(0);
  });

  it('refuses what cannot be computed within the bound instead of searching forever', () => {
    const time = new WorkingTime(DEFAULT_CALENDAR);
    expect(() => time.add(utc('2026-01-05T09:00:00Z'), time.durationMs('P1000Y'))).toThrow(WorkingTimeError);
    expect(() => time.durationMs('P1M')).toThrow(/years and months/);
    const start = Date.now();
    expect(() => time.add(utc('2026-01-05T09:00:00Z'), time.durationMs('P260000W'))).toThrow(
      WorkingTimeError,
    );
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('reports each problem of a calendar with its JSON pointer', () => {
    const issues = checkCalendar(
      office({
        id: 'Bad Id',
        timeZone: 'Mars/Olympus',
        hours: [
          { start: '09:00', end: '25:00' },
          { start: '13:00', end: '12:00' },
        ],
        holidays: [{ date: '2026-02-30' }, { date: '2026-05-01' }],
        makeUpDays: [{ date: '2026-05-01' }],
        workingDays: [1, 8],
      }),
    );
    expect(issues.map((issue) => issue.pointer)).toEqual([
      '/id',
      '/timeZone',
      '/workingDays/1',
      '/hours/0/end',
      '/hours/1/end',
      '/holidays/0/date',
      '/makeUpDays/0/date',
    ]);
    expect(checkCalendar(CN_CALENDAR)).toEqual([]);
    expect(() =>
      checkCalendar(office({ holidays: Array.from({ length: 2001 }, () => ({ date: '2026-01-01' })) })),
    ).not.toThrow();
  });
});

describe('working-time properties (fast-check)', () => {
  const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Shanghai'];
  const calendars = zones.map(
    (timeZone) =>
      new WorkingTime(
        office({ timeZone, holidays: [{ date: '2026-03-30' }], makeUpDays: [{ date: '2026-03-28' }] }),
      ),
  );
  const instant = fc
    .integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2027, 1, 1) })
    .map((ms) => new Date(ms));
  const duration = fc.integer({ min: 0, max: 400 * HOUR });
  const calendar = fc.constantFrom(...calendars, new WorkingTime(CN_CALENDAR));

  it('gives the duration back when measuring from the start to start + duration', () => {
    fc.assert(
      fc.property(calendar, instant, duration, (time, start, ms) => {
        expect(time.between(start, time.add(start, ms))).toBe(ms);
      }),
      { numRuns: 200 },
    );
  });

  it('is monotone: a longer duration never ends earlier, and a later start never ends earlier', () => {
    fc.assert(
      fc.property(calendar, instant, duration, duration, (time, start, a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        expect(time.add(start, long).getTime()).toBeGreaterThanOrEqual(time.add(start, short).getTime());
        const later = new Date(start.getTime() + short);
        expect(time.add(later, a).getTime()).toBeGreaterThanOrEqual(time.add(start, a).getTime());
      }),
      { numRuns: 200 },
    );
  });

  it('never ends before its start, and adds working time only inside working hours', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 1, max: 100 * HOUR }), (time, start, ms) => {
        const due = time.add(start, ms);
        expect(due.getTime()).toBeGreaterThan(start.getTime());
        // the last millisecond before the due instant is working time
        expect(time.between(new Date(due.getTime() - 1), due)).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});
