import type { RequestList, RequestSummary } from '@baton/schemas';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { useLiveEvents } from '../../app/use-live-events.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { holderOf, nameIn, whereNow } from './request-text.js';
import { RequestTimeline } from './RequestTimeline.js';

function tone(status: RequestSummary['status']): string {
  return status === 'active' ? 'info' : status === 'completed' ? 'ok' : 'muted';
}

/** Requests on one page; the server keeps them newest first, so pages do not shift between reads. */
const PAGE = 25;

/**
 * "My requests": what the caller started, where each one is now, who has it; timeline on demand.
 * A page at a time, newest first.
 */
export function RequestsPage() {
  const { t, formatDateTime, locale } = useI18n();
  const [offset, setOffset] = useState(0);
  const requests = useAsync(() => api.get<RequestList>('/api/requests', { limit: PAGE, offset }), [offset]);
  useLiveEvents(() => requests.reload(true));
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const cancel = async (request: RequestSummary) => {
    if (!window.confirm(t('requests.cancelConfirm'))) return;
    setError(null);
    try {
      await api.post(`/api/instances/${request.id}/cancel`, {});
      setNotice(t('requests.cancelled'));
      requests.reload(true);
    } catch (failure) {
      setError(failure);
    }
  };

  const items = requests.data?.items ?? [];
  const total = requests.data?.total ?? 0;
  // A page emptied meanwhile (requests cancelled elsewhere): step back to the last one with rows.
  const pastTheEnd = requests.data !== undefined && items.length === 0 && offset > 0;
  useEffect(() => {
    if (pastTheEnd) setOffset(Math.max(0, (Math.ceil(total / PAGE) - 1) * PAGE));
  }, [pastTheEnd, total]);
  return (
    <section className="page" data-testid="requests">
      <div className="page-head">
        <h1>{t('requests.title')}</h1>
        <a className="btn" href={href('/start')}>
          {t('nav.start')}
        </a>
      </div>
      {notice ? (
        <div className="alert alert-info" role="status">
          {notice}
        </div>
      ) : null}
      <ErrorMessage error={requests.error ?? error} />
      {requests.loading && !requests.data ? <Loading /> : null}
      {requests.data && items.length === 0 ? <p className="muted empty">{t('requests.empty')}</p> : null}
      {items.length > 0 ? (
        <table className="table task-table stack-on-narrow">
          <thead>
            <tr>
              <th>{t('requests.request')}</th>
              <th>{t('requests.state')}</th>
              <th>{t('requests.whereNow')}</th>
              <th>{t('requests.whoHasIt')}</th>
              <th>{t('requests.started')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((request) => (
              <RequestRow
                key={request.id}
                request={request}
                open={open === request.id}
                onToggle={() => setOpen(open === request.id ? null : request.id)}
                onCancel={() => void cancel(request)}
                texts={{ t, formatDateTime, locale }}
              />
            ))}
          </tbody>
        </table>
      ) : null}
      {total > PAGE ? (
        <div className="pager" data-testid="requests-pager">
          <button
            type="button"
            className="btn"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE))}
          >
            {t('requests.newer')}
          </button>
          <span className="muted" aria-live="polite">
            {t('requests.range', { from: offset + 1, to: Math.min(offset + PAGE, total), total })}
          </span>
          <button
            type="button"
            className="btn"
            disabled={offset + PAGE >= total}
            onClick={() => setOffset(offset + PAGE)}
          >
            {t('requests.older')}
          </button>
        </div>
      ) : null}
    </section>
  );
}

type Texts = Pick<ReturnType<typeof useI18n>, 't' | 'formatDateTime' | 'locale'>;

function RequestRow({
  request,
  open,
  onToggle,
  onCancel,
  texts: { t, formatDateTime, locale },
}: {
  request: RequestSummary;
  open: boolean;
  onToggle: () => void;
  onCancel: () => void;
  texts: Texts;
}) {
  const where = request.status === 'active' ? whereNow(request, locale) : [];
  return (
    <>
      <tr data-testid="request-row">
        <td data-label={t('requests.request')}>
          <strong>{nameIn(request.processName, locale)}</strong>
          {request.businessKey ? <div className="muted">{request.businessKey}</div> : null}
        </td>
        <td data-label={t('requests.state')}>
          <StatusBadge tone={tone(request.status)}>{t(`status.${request.status}`)}</StatusBadge>
        </td>
        <td data-label={t('requests.whereNow')} data-testid="request-where">
          {where.length ? where.join(', ') : '—'}
        </td>
        <td data-label={t('requests.whoHasIt')} data-testid="request-holder">
          {request.openTasks.length
            ? request.openTasks
                .map((task) => {
                  const holder = holderOf(task);
                  return 'assignee' in holder
                    ? holder.assignee
                    : t('requests.anyOf', { who: holder.candidates.join(', ') || '—' });
                })
                .join('; ')
            : '—'}
        </td>
        <td data-label={t('requests.started')}>{formatDateTime(request.startedAt)}</td>
        <td className="row-actions">
          <button type="button" className="btn btn-small" aria-expanded={open} onClick={onToggle}>
            {t('requests.timeline')}
          </button>
          {request.canCancel ? (
            <button
              type="button"
              className="btn btn-small btn-danger"
              data-testid="cancel-request"
              onClick={onCancel}
            >
              {t('requests.cancel')}
            </button>
          ) : null}
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={6}>
            <RequestTimeline instanceId={request.id} definitionId={request.definitionId} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
