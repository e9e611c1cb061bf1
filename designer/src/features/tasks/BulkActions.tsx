import type { TaskBulkReport } from '@baton/schemas';
import { lazy, Suspense, useState } from 'react';
import { api } from '../../api/client.js';
import type { Task, TaskDetail } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';

// Form code loads only when a bulk completion opens, so the inbox's first load stays without it.
const SchemaForm = lazy(() =>
  import('../../components/forms/SchemaForm.js').then((m) => ({ default: m.SchemaForm })),
);

/** The form the selected tasks share (all open, one form id), or null. */
function sharedFormOf(selected: readonly string[], tasks: readonly Task[]): string | null {
  const chosen = tasks.filter((task) => selected.includes(task.id));
  if (chosen.length < 2 || chosen.length !== selected.length) return null;
  const formId = chosen[0]?.formId ?? null;
  return formId && chosen.every((task) => task.state === 'created' && task.formId === formId) ? formId : null;
}

/**
 * Claim, hand off or complete the selected tasks at once. The server runs the same command per
 * task and answers what happened to each; the outcome list says it task by task. Completing
 * together needs tasks that show the same form: it is filled once and sent for each of them.
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
  // The shared form, read from the first selected task when "Complete selected" opens it.
  const [completing, setCompleting] = useState<TaskDetail['form'] | null>(null);
  const sharedForm = sharedFormOf(selected, tasks);
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
      setCompleting(null);
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };

  const openForm = async () => {
    if (completing) {
      setCompleting(null);
      return;
    }
    setError(null);
    try {
      const first = await api.get<TaskDetail>(`/api/tasks/${selected[0]}`);
      setHandingOff(false);
      setCompleting(first.form);
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
      <button
        type="button"
        className="btn btn-small"
        disabled={!sharedForm}
        title={sharedForm ? undefined : t('bulk.sameFormOnly')}
        aria-expanded={Boolean(completing)}
        data-testid="bulk-complete"
        onClick={() => void openForm()}
      >
        {t('bulk.complete')}
      </button>
      {completing && sharedForm ? (
        <div className="card bulk-form" data-testid="bulk-form">
          <p className="muted">{t('bulk.completeHint')}</p>
          <Suspense fallback={<Loading />}>
            <SchemaForm
              schema={completing.schema}
              uiSchema={completing.uiSchema}
              idPrefix="bulk"
              onSubmit={(variables) => void run({ action: 'complete', variables })}
            >
              <button type="submit" className="btn btn-primary">
                {t('bulk.completeConfirm', { count: selected.length })}
              </button>
            </SchemaForm>
          </Suspense>
        </div>
      ) : null}
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
                {r.ok
                  ? t('bulk.done')
                  : `${t('bulk.refused')} (${r.code}) ${r.message ?? ''}${(r.errors ?? [])
                      .map((e) => ` ${e.pointer}: ${e.message}`)
                      .join(';')}`}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
