import { useState } from 'react';
import { listNotifications } from '../../api/notifications.js';
import type { NotificationItem } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { pluralForm } from '../../app/plural.js';
import { useAsync } from '../../app/use-async.js';
import { useLiveEvents } from '../../app/use-live-events.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';
import { MailSettingsSection } from '../mail-settings/MailSettingsSection.js';
import { markRead } from './mark-read.js';
import { NotificationEntry } from './NotificationEntry.js';
import { useNotificationTaskNames } from './use-task-names.js';

const PAGE = 20;

/** Every notification of the signed-in user, newest first, a page at a time; live. */
export function NotificationsPage() {
  const { t, locale } = useI18n();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const list = useAsync(
    () => listNotifications({ unread: unreadOnly, limit: PAGE, offset }),
    [unreadOnly, offset],
  );
  useLiveEvents(() => list.reload(true), ['notification']);
  const taskName = useNotificationTaskNames(list.data?.items);

  const read = (notification: NotificationItem) => {
    setError(null);
    markRead(notification).catch(setError);
  };
  const total = list.data?.total ?? 0;
  return (
    <section className="page" data-testid="notifications">
      <div className="page-head">
        <h1>{t('notifications.title')}</h1>
        {list.data ? (
          <span className="muted">
            {t(`notifications.total.${pluralForm(locale, total)}`, { count: total })}
          </span>
        ) : null}
      </div>
      <div className="filters">
        <label className="inline-field">
          <input
            type="checkbox"
            checked={unreadOnly}
            data-testid="notifications-unread-only"
            onChange={(e) => {
              setUnreadOnly(e.target.checked);
              setOffset(0);
            }}
          />
          {t('notifications.unreadOnly')}
        </label>
      </div>
      <ErrorMessage error={error ?? list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data?.items.length === 0 ? <p className="empty">{t('notifications.empty')}</p> : null}
      {list.data?.items.length ? (
        <ul className="notification-list card">
          {list.data.items.map((n) => (
            <NotificationEntry key={n.id} notification={n} onMarkRead={read} taskName={taskName(n)} />
          ))}
        </ul>
      ) : null}
      {total > PAGE ? (
        <div className="pager">
          <button
            type="button"
            className="btn"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE))}
          >
            {t('notifications.newer')}
          </button>
          <span className="muted">
            {offset + 1}–{Math.min(offset + PAGE, total)} / {total}
          </span>
          <button
            type="button"
            className="btn"
            disabled={offset + PAGE >= total}
            onClick={() => setOffset(offset + PAGE)}
          >
            {t('notifications.older')}
          </button>
        </div>
      ) : null}
      <MailSettingsSection />
    </section>
  );
}
