import type { BusinessCalendar, CalendarDay } from './calendar.js';

/**
 * The calendars a new database starts with (migration `0008_business_calendars`); admins edit
 * them like any other. The `cn` dates are those of the State Council's notices (国务院办公厅关于
 * 2025年 / 2026年部分节假日安排的通知). Later years are published once a year, in the autumn
 * before: an admin enters them then; nothing here guesses them.
 */

function range(from: string, to: string, name: string): CalendarDay[] {
  const days: CalendarDay[] = [];
  const end = new Date(`${to}T00:00:00Z`).getTime();
  for (let at = new Date(`${from}T00:00:00Z`).getTime(); at <= end; at += 86_400_000)
    days.push({ date: new Date(at).toISOString().slice(0, 10), name });
  return days;
}

/** Monday to Friday, 09:00-18:00, UTC. */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  id: 'default',
  name: 'Monday-Friday 09:00-18:00',
  timeZone: 'UTC',
  workingDays: [1, 2, 3, 4, 5],
  hours: [{ start: '09:00', end: '18:00' }],
  holidays: [],
  makeUpDays: [],
};

/** Mainland China: 09:00-12:00 and 13:30-18:00 in Asia/Shanghai, public holidays and 调休 of 2025 and 2026. */
export const CN_CALENDAR: BusinessCalendar = {
  id: 'cn',
  name: '中国大陆 Mainland China',
  timeZone: 'Asia/Shanghai',
  workingDays: [1, 2, 3, 4, 5],
  hours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ],
  holidays: [
    // 国办发明电〔2024〕12号
    ...range('2025-01-01', '2025-01-01', '元旦'),
    ...range('2025-01-28', '2025-02-04', '春节'),
    ...range('2025-04-04', '2025-04-06', '清明节'),
    ...range('2025-05-01', '2025-05-05', '劳动节'),
    ...range('2025-05-31', '2025-06-02', '端午节'),
    ...range('2025-10-01', '2025-10-08', '国庆节、中秋节'),
    // 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
    ...range('2026-01-01', '2026-01-03', '元旦'),
    ...range('2026-02-15', '2026-02-23', '春节'),
    ...range('2026-04-04', '2026-04-06', '清明节'),
    ...range('2026-05-01', '2026-05-05', '劳动节'),
    ...range('2026-06-19', '2026-06-21', '端午节'),
    ...range('2026-09-25', '2026-09-27', '中秋节'),
    ...range('2026-10-01', '2026-10-07', '国庆节'),
  ],
  makeUpDays: [
    { date: '2025-01-26', name: '春节调休' },
    { date: '2025-02-08', name: '春节调休' },
    { date: '2025-04-27', name: '劳动节调休' },
    { date: '2025-09-28', name: '国庆节调休' },
    { date: '2025-10-11', name: '国庆节调休' },
    { date: '2026-01-04', name: '元旦调休' },
    { date: '2026-02-14', name: '春节调休' },
    { date: '2026-02-28', name: '春节调休' },
    { date: '2026-05-09', name: '劳动节调休' },
    { date: '2026-09-20', name: '国庆节调休' },
    { date: '2026-10-10', name: '国庆节调休' },
  ],
};

export const SEED_CALENDARS: readonly BusinessCalendar[] = [DEFAULT_CALENDAR, CN_CALENDAR];
