import { useState } from 'react';
import { api } from '../../api/client.js';
import type { InstanceList, InstanceStatus, ProcessList } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { useLiveEvents } from '../../app/use-live-events.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { RunAsBatch } from './batches/RunAsBatch.js';

/** Every instance state, in the order the filter offers them. */
export const INSTANCE_STATUSES: readonly InstanceStatus[] = [
  'active',
  'completed',
  'cancelled',
  'terminated',
];

/** Tone of a status pill. */
export function statusTone(status: InstanceStatus): string {
  if (status === 'active') return 'info';
  if (status === 'completed') return 'ok';
  return 'muted';
}

function toIso(date: string): string | undefined {
  return date ? new Date(date).toISOString() : undefined;
}

/** Managers' list of instances with filters; refreshes on live instance events. */
export function InstancesPage() {
  const { t, formatDateTime } = useI18n();
  const [processId, setProcessId] = useState('');
  const [status, setStatus] = useState('');
  const [after, setAfter] = useState('');
  const [before, setBefore] = useState('');
  const [overdue, setOverdue] = useState(false);
  const [q, setQ] = useState('');
  const processes = useAsync(
    () => api.get<ProcessList>('/api/processes', { limit: 200 }).then((page) => page.items),
    [],
  );
  const instances = useAsync(
    () =>
      api.get<InstanceList>('/api/instances', {
        processId,
        status,
        startedAfter: toIso(after),
        startedBefore: toIso(before),
        overdue: overdue || undefined,
        q,
        limit: 100,
      }),
    [processId, status, after, before, overdue, q],
  );
  // The list's filters as a batch's (the text search and "overdue" have no batch equivalent).
  const batchFilter = {
    ...(processId ? { processId } : {}),
    ...(status ? { status: status as InstanceStatus } : {}),
    ...(after ? { startedAfter: toIso(after) } : {}),
    ...(before ? { startedBefore: toIso(before) } : {}),
  };
  useLiveEvents((events, resync) => {
    if (resync || events.some((e) => e.kind === 'instance')) instances.reload(true);
  });

  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('instances.title')}</h1>
        {instances.data ? (
          <span className="muted">{t('instances.total', { count: instances.data.total })}</span>
        ) : null}
      </div>
      <div className="filters">
        <select
          value={processId}
          onChange={(e) => setProcessId(e.target.value)}
          aria-label={t('instances.process')}
        >
          <option value="">{t('instances.allProcesses')}</option>
          {(processes.data ?? []).map((p) => (
            <option key={p.processId} value={p.processId}>
              {p.name || p.processId}
            </option>
          ))}
        </select>
        <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label={t('instances.state')}>
          <option value="">{t('instances.allStates')}</option>
          {INSTANCE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
        <label className="inline-field">
          {t('instances.startedAfter')}
          <input type="date" value={after} onChange={(e) => setAfter(e.target.value)} />
        </label>
        <label className="inline-field">
          {t('instances.startedBefore')}
          <input type="date" value={before} onChange={(e) => setBefore(e.target.value)} />
        </label>
        <label className="inline-field">
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} />{' '}
          {t('inbox.overdue')}
        </label>
        <input
          type="search"
          placeholder={t('inbox.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <div className="filters">
        <RunAsBatch kind="cancel" filter={batchFilter} label={t('batches.cancelMatching')} />
        <RunAsBatch kind="retry" filter={batchFilter} label={t('batches.retryMatching')} />
      </div>
      <ErrorMessage error={instances.error} />
      {instances.loading && !instances.data ? <Loading /> : null}
      {instances.data && instances.data.items.length === 0 ? (
        <p className="muted">{t('instances.empty')}</p>
      ) : null}
      {instances.data && instances.data.items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('instances.id')}</th>
              <th>{t('instances.process')}</th>
              <th>{t('instances.state')}</th>
              <th>{t('instances.started')}</th>
              <th>{t('instances.startedBy')}</th>
              <th>{t('instances.incidents')}</th>
            </tr>
          </thead>
          <tbody>
            {instances.data.items.map((instance) => (
              <tr key={instance.id} data-testid="instance-row">
                <td>
                  <a href={href(`/instances/${instance.id}`)}>
                    <code>{instance.businessKey || instance.id.slice(0, 8)}</code>
                  </a>
                </td>
                <td>
                  {instance.processId} v{instance.version}
                </td>
                <td>
                  <StatusBadge tone={statusTone(instance.status)}>
                    {t(`status.${instance.status}`)}
                  </StatusBadge>
                </td>
                <td>{formatDateTime(instance.startedAt)}</td>
                <td>{instance.startedBy ?? '—'}</td>
                <td>
                  {instance.openIncidents ? (
                    <StatusBadge tone="danger">{String(instance.openIncidents)}</StatusBadge>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
