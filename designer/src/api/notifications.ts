import { api } from './client.js';
import type { NotificationList } from './types.js';

/** The caller's notifications, newest first; `unread: true` lists only the unread ones. */
export function listNotifications(query: { unread?: boolean; limit: number; offset?: number }) {
  return api.get<NotificationList>('/api/notifications', {
    unread: query.unread || undefined,
    limit: query.limit,
    offset: query.offset || undefined,
  });
}

/** How many notifications are unread: the `total` of the unread-only list (one row fetched). */
export async function unreadCount(): Promise<number> {
  return (await listNotifications({ unread: true, limit: 1 })).total;
}

/** Marks one notification read (the server answers 204 or the updated notification). */
export async function markNotificationRead(id: string): Promise<void> {
  await api.post<unknown>(`/api/notifications/${encodeURIComponent(id)}/read`, {});
}
