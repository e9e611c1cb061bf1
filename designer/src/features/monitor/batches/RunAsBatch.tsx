import type { BatchCreateBody, BatchDryRunDto } from '@baton/schemas';
import { useState } from 'react';
import { api } from '../../../api/client.js';
import { useI18n } from '../../../app/i18n.js';
import { navigate } from '../../../app/router.js';
import { ErrorMessage } from '../../../components/ErrorMessage.js';

/**
 * "Run as batch" for a list's current filter: counts the matching instances first (a dry run),
 * asks, then starts the batch and opens the Batches page.
 */
export function RunAsBatch(props: {
  kind: BatchCreateBody['kind'];
  filter: BatchCreateBody['filter'];
  parameters?: BatchCreateBody['parameters'];
  label: string;
}) {
  const { t } = useI18n();
  const [dry, setDry] = useState<BatchDryRunDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const body = {
    kind: props.kind,
    filter: props.filter,
    ...(props.parameters ? { parameters: props.parameters } : {}),
  };

  const count = async () => {
    setError(null);
    try {
      setDry(await api.post<BatchDryRunDto>('/api/batches', { ...body, dryRun: true }));
    } catch (e) {
      setError(e);
    }
  };
  const start = async () => {
    setError(null);
    try {
      await api.post('/api/batches', body);
      setDry(null);
      navigate('/batches');
    } catch (e) {
      setError(e);
    }
  };

  return (
    <span className="run-as-batch">
      <button type="button" onClick={count}>
        {props.label}
      </button>
      {dry ? (
        <span role="dialog" aria-label={props.label} className="inline-confirm">
          {dry.overLimit
            ? t('batches.overLimit', { count: dry.matched })
            : t('batches.confirm', { count: dry.matched })}{' '}
          <button type="button" onClick={start} disabled={dry.matched === 0 || dry.overLimit}>
            {t('batches.start')}
          </button>
          <button type="button" onClick={() => setDry(null)}>
            {t('common.cancel')}
          </button>
        </span>
      ) : null}
      <ErrorMessage error={error} />
    </span>
  );
}
