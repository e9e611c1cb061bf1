import type { ErrorSchema } from '@rjsf/utils';
import { useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import { definitionXml } from '../../api/definitions.js';
import { ApiError } from '../../api/problem.js';
import type { FormRecord, HistoryList, TaskDetail, Variables } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { href, navigate } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { FileLinks } from '../../components/FileLinks.js';
import { openingData } from '../../components/forms/form-data.js';
import { SchemaForm } from '../../components/forms/SchemaForm.js';
import { elementLabels } from '../../components/element-labels.js';
import { isOverdue } from '../../components/format.js';
import { LazyDiagram } from '../../components/LazyDiagram.js';
import { Loading } from '../../components/Loading.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { Timeline } from '../../components/Timeline.js';
import { errorsToExtraErrors } from './error-mapping.js';
import { TaskActions } from './TaskActions.js';
import { TaskContext } from './TaskContext.js';
import { nameIn } from '../requests/request-text.js';
import { useTaskCards } from '../requests/use-task-cards.js';

/** The data a task's form opens with: the fields the form declares it reads, overlaid by a saved draft. */
export function initialFormData(task: TaskDetail): Variables {
  return openingData(task.variables, task.draft, task.form?.schema, task.form?.uiSchema);
}

/** One task: its form, the actions on it, comments, history and where it sits in the diagram. */
export function TaskPage({ taskId }: { taskId: string }) {
  const { t, formatDateTime, locale } = useI18n();
  const task = useAsync(() => api.get<TaskDetail>(`/api/tasks/${taskId}`), [taskId]);
  const formId = task.data?.form?.formId;
  const formVersion = task.data?.form?.version;
  // The task carries the form's schema; its name and translations come with the form record.
  const formRecord = useAsync(
    () =>
      formId
        ? api.get<FormRecord>(`/api/forms/${encodeURIComponent(formId)}`, {
            ...(formVersion ? { version: formVersion } : {}),
          })
        : Promise.resolve(null),
    [formId, formVersion],
  );
  const history = useAsync(
    () => api.get<HistoryList>(`/api/tasks/${taskId}/history`).then((page) => page.items),
    [taskId],
  );
  const definitionId = task.data?.definitionId;
  const xml = useAsync(
    () => (definitionId ? definitionXml(definitionId) : Promise.resolve('')),
    [definitionId],
  );
  const [data, setData] = useState<Variables | null>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const labels = useMemo(() => elementLabels(xml.data ?? ''), [xml.data]);
  const card = useTaskCards([taskId]).get(taskId);

  if (task.loading && !task.data) return <Loading />;
  if (!task.data) return <ErrorMessage error={task.error} />;
  // The form record names the task and labels its fields in the reader's language: wait for it, so
  // the page (and the heading focus lands on) does not show the English name first.
  // (Not yet loaded is "no record of this form yet", not "loading": the load starts an effect later.)
  if (formId && formRecord.data?.formId !== formId && !formRecord.error) return <Loading />;
  const current = task.data;
  const formData = data ?? initialFormData(current);
  const isOpen = current.state === 'created';
  const texts = formRecord.data?.i18n?.[locale] ?? null;
  // The task's name comes from the BPMN, in one language; in another, the form's name stands in.
  const formName = formRecord.data?.name;
  const title =
    locale !== 'en' && typeof formName === 'object' && formName[locale]
      ? formName[locale]
      : ((locale === 'zh' ? card?.taskName.zh : undefined) ?? current.name);
  // The history names this task as the heading does (in Chinese when the form gives a name).
  const historyLabels =
    title && title !== current.name
      ? new Map(labels).set(current.elementId, {
          name: title,
          kind: labels.get(current.elementId)?.kind ?? 'userTask',
        })
      : labels;

  const refresh = (message: string, gone = false) => {
    if (gone) {
      navigate('/inbox');
      return;
    }
    setNotice(message);
    setError(null);
    task.reload(true);
    history.reload(true);
  };

  const complete = async (variables: Variables) => {
    setError(null);
    setExtraErrors(undefined);
    try {
      await api.post(`/api/tasks/${taskId}/complete`, { variables });
      navigate('/inbox');
    } catch (failure) {
      if (failure instanceof ApiError && failure.errors.length > 0) {
        setExtraErrors(errorsToExtraErrors(failure.errors) as ErrorSchema);
        setError(new Error(t('task.fixErrors')));
      } else setError(failure);
    }
  };

  const saveDraft = async () => {
    try {
      await api.post(`/api/tasks/${taskId}/draft`, { variables: formData });
      refresh(t('task.draftSaved'));
    } catch (failure) {
      setError(failure);
    }
  };

  const addComment = async () => {
    if (!comment.trim()) return;
    try {
      await api.post(`/api/tasks/${taskId}/comments`, { text: comment.trim() });
      setComment('');
      refresh(t('task.commented'));
    } catch (failure) {
      setError(failure);
    }
  };

  const comments = (history.data ?? []).filter((e) => e.type === 'task.commented');
  return (
    <section className="page task-page">
      <div className="page-head">
        <div>
          <a className="small-link" href={href('/inbox')}>
            ← {t('inbox.title')}
          </a>
          <h1 data-testid="task-title">{title || current.elementId}</h1>
          <div className="meta">
            <span data-testid="task-process">
              {card ? nameIn(card.processName, locale) : current.processId}
            </span>
            {card?.businessKey ? <span>{card.businessKey}</span> : null}
            <span>
              {t('task.due')}: {formatDateTime(current.dueAt)}
            </span>
            {isOverdue(current.dueAt) && isOpen ? (
              <StatusBadge tone="danger">{t('inbox.overdueBadge')}</StatusBadge>
            ) : null}
            <span>
              {t('task.assignee')}: {current.assignee ?? '—'}
            </span>
            {current.candidateGroups.length ? (
              <span>
                {t('task.groups')}: {current.candidateGroups.join(', ')}
              </span>
            ) : null}
            {!isOpen ? <StatusBadge tone="muted">{t(`task.state.${current.state}`)}</StatusBadge> : null}
          </div>
        </div>
        <TaskActions task={current} formData={formData} onDone={refresh} onError={setError} />
      </div>
      {notice ? (
        <div className="alert alert-info" role="status">
          {notice}
        </div>
      ) : null}
      <ErrorMessage error={error} />
      <TaskContext task={current} texts={texts} />
      <div className="task-columns">
        <div className="task-main card">
          {current.form ? (
            <SchemaForm
              schema={current.form.schema}
              uiSchema={current.form.uiSchema}
              formData={formData}
              onChange={setData}
              onSubmit={(variables) => void complete(variables)}
              extraErrors={extraErrors}
              disabled={!isOpen}
              idPrefix="task"
              texts={texts}
            >
              <FormButtons open={isOpen} onDraft={() => void saveDraft()} />
            </SchemaForm>
          ) : (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                void complete(formData);
              }}
            >
              <p className="muted">{t('task.noForm')}</p>
              <FormButtons open={isOpen} onDraft={() => void saveDraft()} />
            </form>
          )}
        </div>
        <aside className="task-side">
          <FileLinks instanceId={current.instanceId} />
          <div className="card">
            <h2>{t('task.comments')}</h2>
            <ul className="comments">
              {comments.map((c) => (
                <li key={c.seq}>
                  <strong>{c.actor}</strong> <time>{formatDateTime(c.at)}</time>
                  <p>{typeof c.data?.text === 'string' ? c.data.text : ''}</p>
                </li>
              ))}
            </ul>
            <textarea
              rows={2}
              value={comment}
              placeholder={t('task.commentPlaceholder')}
              aria-label={t('task.commentPlaceholder')}
              onChange={(e) => setComment(e.target.value)}
            />
            <button type="button" className="btn btn-small" onClick={() => void addComment()}>
              {t('task.addComment')}
            </button>
          </div>
          <div className="card">
            <h2>{t('task.history')}</h2>
            <Timeline events={history.data ?? []} labels={historyLabels} />
          </div>
        </aside>
      </div>
      <div className="card">
        <h2>{t('task.diagram')}</h2>
        {xml.data ? (
          <LazyDiagram xml={xml.data} decorations={{ highlight: [current.elementId] }} height={360} />
        ) : null}
      </div>
    </section>
  );
}

function FormButtons({ open, onDraft }: { open: boolean; onDraft: () => void }) {
  const { t } = useI18n();
  if (!open) return null;
  return (
    <div className="form-buttons">
      <button type="button" className="btn" onClick={onDraft} data-testid="save-draft">
        {t('task.saveDraft')}
      </button>
      <button type="submit" className="btn btn-primary" data-testid="complete">
        {t('task.complete')}
      </button>
    </div>
  );
}
