import type { Calendar, CalendarList, CalendarSave } from '@baton/schemas';
import { api } from '../../../api/client.js';

export type { Calendar, CalendarSave };

/** Every business calendar (docs/TEAMS.md, "Working hours"). */
export function listCalendars() {
  return api.get<CalendarList>('/api/calendars');
}

/** Creates or replaces a calendar (admins); 400 with JSON pointers for bad fields. */
export function saveCalendar(id: string, body: CalendarSave) {
  return api.put<Calendar>(`/api/calendars/${encodeURIComponent(id)}`, body);
}

export function deleteCalendar(id: string) {
  return api.delete<void>(`/api/calendars/${encodeURIComponent(id)}`);
}

/** The zones the browser knows, for the time-zone field's suggestions. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return (
    intl.supportedValuesOf?.('timeZone') ?? ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York']
  );
}

/** A calendar as the editor holds it: the fields of the request body. */
export function toDraft(calendar: Calendar): CalendarSave {
  const { name, timeZone, workingDays, hours, holidays, makeUpDays } = calendar;
  return { name, timeZone, workingDays, hours, holidays, makeUpDays };
}

export const EMPTY_CALENDAR: CalendarSave = {
  name: '',
  timeZone: 'UTC',
  workingDays: [1, 2, 3, 4, 5],
  hours: [{ start: '09:00', end: '18:00' }],
  holidays: [],
  makeUpDays: [],
};
