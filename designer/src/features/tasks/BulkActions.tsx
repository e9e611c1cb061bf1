import type { TaskBulkReport } from '@baton/schemas';
import { useState } from 'react';
import { api } from '../../api/client.js';
import type { Task } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';

/**
 * Claim or hand off the selected tasks at once. The server runs the same command per task and
 * answers what happened to each; the outcome list says it task by task.
 */
export function BulkActions({
  selected,
  tasks,
  onDone,
}: {
  selected: readonly string[];
  tasks: readonly Task[];
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [handingOff, setHandingOff] = useState(false);
  const [toUser, setToUser] = useState('');
  const [reason, setReason] = useState('');
  // The names are kept with the report: a task handed off leaves the list the report speaks of.
  const [report, setReport] = useState<{ answer: TaskBulkReport; names: Map<string, string> } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (body: Record<string, unknown>) => {
    setError(null);
    try {
      const names = new Map(tasks.map((task) => [task.id, task.name || task.elementId]));
      const answer = await api.post<TaskBulkReport>('/api/tasks/bulk', { ...body, taskIds: selected });
      setReport({ answer, names });
      setHandingOff(false);
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <div className="bulk-actions" data-testid="bulk-actions">
      <span className="muted">{t('bulk.selected', { count: selected.length })}</span>
      <button
        type="button"
        className="btn btn-small"
        disabled={selected.length === 0}
        onClick={() => void run({ action: 'claim' })}
      >
        {t('bulk.claim')}
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={selected.length === 0}
        aria-expanded={handingOff}
        onClick={() => setHandingOff((open) => !open)}
      >
        {t('bulk.handOff')}
      </button>
      {handingOff ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run({ action: 'handOff', to: { user: toUser.trim() }, reason: reason.trim() });
          }}
        >
          <label className="inline-field">
            {t('bulk.toUser')}
            <input value={toUser} required onChange={(e) => setToUser(e.target.value)} />
          </label>
          <label className="inline-field">
            {t('bulk.reason')}
            <input value={reason} required onChange={(e) => setReason(e.target.value)} />
          </label>
          <button
            type="submit"
            className="btn btn-small btn-primary"
            disabled={!toUser.trim() || !reason.trim()}
          >
            {t('bulk.handOffConfirm')}
          </button>
        </form>
      ) : null}
      <ErrorMessage error={error} />
      {report ? (
        <div role="status" data-testid="bulk-report">
          <p>{t('bulk.outcome', { succeeded: report.answer.succeeded, failed: report.answer.failed })}</p>
          <ul>
            {report.answer.results.map((r) => (
              <li key={r.taskId} data-testid="bulk-result" data-ok={r.ok}>
                {report.names.get(r.taskId) ?? r.taskId}:{' '}
                {r.ok ? t('bulk.done') : `${t('bulk.refused')} (${r.code}) ${r.message ?? ''}`}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
