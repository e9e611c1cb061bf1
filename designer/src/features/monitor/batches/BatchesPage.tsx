import type { BatchDetailDto, BatchDto, BatchList } from '@baton/schemas';
import { useEffect, useState } from 'react';
import { api } from '../../../api/client.js';
import { useI18n } from '../../../app/i18n.js';
import { useAsync } from '../../../app/use-async.js';
import { ErrorMessage } from '../../../components/ErrorMessage.js';
import { Loading } from '../../../components/Loading.js';
import { StatusBadge } from '../../../components/StatusBadge.js';

const TONES: Record<BatchDto['state'], string> = {
  running: 'info',
  paused: 'muted',
  cancelled: 'muted',
  completed: 'ok',
};

/** Batch operations: progress, pause / resume / cancel, and the failures of each with their reasons. */
export function BatchesPage() {
  const { t } = useI18n();
  const batches = useAsync(() => api.get<BatchList>('/api/batches', { limit: 100 }), []);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  // Progress moves while a batch runs: look again a second after each answer until none runs.
  const { data, reload } = batches;
  useEffect(() => {
    if (!data?.items.some((b) => b.state === 'running')) return;
    const timer = setTimeout(() => reload(true), 1000);
    return () => clearTimeout(timer);
  }, [data, reload]);

  const command = async (batch: BatchDto, action: 'pause' | 'resume' | 'cancel') => {
    setError(null);
    try {
      await api.post(`/api/batches/${batch.id}/${action}`);
      batches.reload(true);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('batches.title')}</h1>
      </div>
      <ErrorMessage error={batches.error ?? error} />
      {batches.loading && !batches.data ? <Loading /> : null}
      {batches.data && batches.data.items.length === 0 ? <p className="muted">{t('batches.empty')}</p> : null}
      {batches.data && batches.data.items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('batches.kind')}</th>
              <th>{t('batches.state')}</th>
              <th>{t('batches.progress')}</th>
              <th>{t('batches.createdBy')}</th>
              <th>{t('batches.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {batches.data.items.map((batch) => (
              <BatchRow
                key={batch.id}
                batch={batch}
                open={open === batch.id}
                onToggle={() => setOpen(open === batch.id ? null : batch.id)}
                onCommand={(action) => command(batch, action)}
              />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function BatchRow(props: {
  batch: BatchDto;
  open: boolean;
  onToggle: () => void;
  onCommand: (action: 'pause' | 'resume' | 'cancel') => void;
}) {
  const { t } = useI18n();
  const { batch } = props;
  const processed = batch.done + batch.failed;
  const label = t('batches.progressLabel', { done: batch.done, failed: batch.failed, total: batch.total });
  return (
    <>
      <tr data-testid="batch-row" data-state={batch.state}>
        <td>{t(`batches.kind.${batch.kind}`)}</td>
        <td>
          <StatusBadge tone={TONES[batch.state]}>{t(`batches.state.${batch.state}`)}</StatusBadge>
        </td>
        <td>
          <progress max={Math.max(batch.total, 1)} value={processed} aria-label={label} />{' '}
          <span className="muted" data-testid="batch-progress">
            {label}
          </span>
        </td>
        <td>{batch.createdBy ?? '—'}</td>
        <td>
          {batch.state === 'running' ? (
            <button type="button" onClick={() => props.onCommand('pause')}>
              {t('batches.pause')}
            </button>
          ) : null}
          {batch.state === 'paused' ? (
            <button type="button" onClick={() => props.onCommand('resume')}>
              {t('batches.resume')}
            </button>
          ) : null}
          {batch.state === 'running' || batch.state === 'paused' ? (
            <button type="button" onClick={() => props.onCommand('cancel')}>
              {t('batches.cancel')}
            </button>
          ) : null}
          {batch.failed > 0 ? (
            <button type="button" aria-expanded={props.open} onClick={props.onToggle}>
              {t('batches.failures', { count: batch.failed })}
            </button>
          ) : null}
        </td>
      </tr>
      {props.open ? (
        <tr>
          <td colSpan={5}>
            <Failures batchId={batch.id} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function Failures({ batchId }: { batchId: string }) {
  const { t } = useI18n();
  const detail = useAsync(
    () => api.get<BatchDetailDto>(`/api/batches/${batchId}`, { limit: 100 }),
    [batchId],
  );
  if (detail.error) return <ErrorMessage error={detail.error} />;
  if (!detail.data) return <Loading />;
  return (
    <ul className="plain" data-testid="batch-failures">
      {detail.data.failures.map((f) => (
        <li key={f.instanceId}>
          <a href={`#/instances/${f.instanceId}`}>
            <code>{f.instanceId.slice(0, 8)}</code>
          </a>{' '}
          <code>{f.code}</code> {f.message}
        </li>
      ))}
      {detail.data.failures.length < detail.data.failed ? (
        <li className="muted">{t('batches.moreFailures')}</li>
      ) : null}
    </ul>
  );
}
