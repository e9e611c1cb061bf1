import type { Absence, AbsenceList, TeamLoad } from '@baton/schemas';
import { api } from '../../api/client.js';

export type { Absence, TeamLoad };

/** Absences: `active` (under way now), `current` (default: now or to come), or `all`. */
export function listAbsences(query: { scope?: 'current' | 'active' | 'all'; substitute?: string } = {}) {
  return api.get<AbsenceList>('/api/absences', { scope: query.scope, substitute: query.substitute });
}

/** Sets an absence; `userId` left out: the caller's own. */
export function createAbsence(body: {
  userId?: string;
  from: string;
  to: string;
  substitute?: string | null;
  note?: string | null;
}) {
  return api.post<Absence>('/api/absences', body);
}

export function endAbsence(id: string) {
  return api.delete<void>(`/api/absences/${encodeURIComponent(id)}`);
}

/** A team's open load per member and process (managers and admins). */
export function teamLoad(group?: string) {
  return api.get<TeamLoad>('/api/team-load', { group });
}

/** `<input type="datetime-local">` text (local time) as an ISO instant, or null when empty or invalid. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
