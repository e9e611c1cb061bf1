import { markNotificationRead } from '../../api/notifications.js';
import type { NotificationItem } from '../../api/types.js';
import { announceLocally } from '../../app/use-live-events.js';

/** Marks a notification read and tells every view in this tab (the bell, the list) to refresh. */
export async function markRead(notification: NotificationItem): Promise<void> {
  await markNotificationRead(notification.id);
  announceLocally({
    kind: 'notification',
    id: notification.id,
    instanceId: notification.instanceId,
    change: 'read',
  });
}
