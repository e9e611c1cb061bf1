import { useEffect, useRef, useState } from 'react';
import { listNotifications, unreadCount } from '../../api/notifications.js';
import type { NotificationItem } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { pluralForm } from '../../app/plural.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { useLiveEvents } from '../../app/use-live-events.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { markRead } from './mark-read.js';
import { NotificationEntry } from './NotificationEntry.js';
import { useNotificationTaskNames } from './use-task-names.js';

const RECENT = 8;

/**
 * The header's bell: the unread count, live by server-sent events, and a dropdown of the newest
 * notifications. A failed count (an older server without notifications) just shows no number.
 */
export function NotificationBell() {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const count = useAsync(() => unreadCount(), []);
  const recent = useAsync(
    () => (open ? listNotifications({ limit: RECENT }) : Promise.resolve(null)),
    [open],
  );
  const taskName = useNotificationTaskNames(recent.data?.items);
  useLiveEvents(() => {
    count.reload(true);
    if (open) recent.reload(true);
  }, ['notification']);

  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', closeOutside);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('mousedown', closeOutside);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, [open]);

  const unread = count.data ?? 0;
  const read = (notification: NotificationItem) => {
    setError(null);
    markRead(notification).catch(setError);
  };
  return (
    <div className="bell" ref={root}>
      <button
        type="button"
        className="btn btn-ghost bell-button"
        data-testid="notification-bell"
        aria-label={t(`notifications.bell.${pluralForm(locale, unread)}`, { count: unread })}
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {/* An inline icon: an emoji bell needs a colour-emoji font, which many systems lack. */}
        <svg className="bell-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        {unread > 0 ? (
          <span className="bell-count" data-testid="notification-count">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div className="bell-panel" data-testid="notification-panel">
          <div className="bell-head">
            <strong>{t('notifications.title')}</strong>
            <a href={href('/notifications')} onClick={() => setOpen(false)}>
              {t('notifications.all')}
            </a>
          </div>
          <ErrorMessage error={error ?? recent.error} />
          {recent.data?.items.length === 0 ? <p className="muted">{t('notifications.empty')}</p> : null}
          <ul className="notification-list">
            {(recent.data?.items ?? []).map((n) => (
              <NotificationEntry
                key={n.id}
                notification={n}
                onMarkRead={read}
                onNavigate={() => setOpen(false)}
                taskName={taskName(n)}
              />
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
