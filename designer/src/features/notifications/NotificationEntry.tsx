import type { NotificationItem } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { notificationSubject, notificationTaskId } from './notification-text.js';

/**
 * One notification: subject, body, when; unread ones stand out and can be marked read. Managers
 * get a link to the instance (staff may not be allowed to open it, so they get none).
 */
export function NotificationEntry({
  notification,
  onMarkRead,
  onNavigate,
  taskName,
}: {
  notification: NotificationItem;
  onMarkRead: (notification: NotificationItem) => void;
  onNavigate?: () => void;
  /** The task's name in the reader's language, when it differs from the recorded one. */
  taskName?: string;
}) {
  const { t, formatDateTime } = useI18n();
  const { hasRole } = useAuth();
  const unread = notification.readAt === null;
  const taskId = notificationTaskId(notification);
  return (
    <li
      className={unread ? 'notification unread' : 'notification'}
      data-testid="notification"
      data-unread={unread}
    >
      <div className="notification-main">
        <strong className="notification-subject">{notificationSubject(notification, t, taskName)}</strong>
        {notification.body ? <p className="notification-body">{notification.body}</p> : null}
        <span className="muted notification-when">
          {formatDateTime(notification.createdAt)}
          {unread ? <span className="badge badge-info">{t('notifications.unread')}</span> : null}
        </span>
      </div>
      <div className="notification-actions">
        {taskId ? (
          <a href={href(`/tasks/${taskId}`)} onClick={onNavigate}>
            {t('notifications.openTask')}
          </a>
        ) : null}
        {notification.instanceId && hasRole('manager') ? (
          <a href={href(`/instances/${notification.instanceId}`)} onClick={onNavigate}>
            {t('notifications.openInstance')}
          </a>
        ) : null}
        {unread ? (
          <button
            type="button"
            className="btn btn-small"
            data-testid="notification-mark-read"
            onClick={() => onMarkRead(notification)}
          >
            {t('notifications.markRead')}
          </button>
        ) : null}
      </div>
    </li>
  );
}
