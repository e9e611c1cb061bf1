import { useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import { definitionXml } from '../../api/definitions.js';
import type { HistoryList, InstanceDetail, TaskList } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { nameIn } from '../requests/request-text.js';
import { useTaskCards } from '../requests/use-task-cards.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { useLiveEvents } from '../../app/use-live-events.js';
import { elementLabels } from '../../components/element-labels.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { FileLinks } from '../../components/FileLinks.js';
import { LazyDiagram } from '../../components/LazyDiagram.js';
import { Loading } from '../../components/Loading.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { elementName, Timeline } from '../../components/Timeline.js';
import { statusTone } from './InstancesPage.js';
import { RepairTools } from './repair/RepairTools.js';
import { useTokenMove } from './repair/use-token-move.js';
import { VariablesEditor } from './VariablesEditor.js';

/** Token moves are noise in a people timeline; they stay visible behind a toggle. */
const MOVEMENT = new Set(['element.entered', 'element.left', 'element.completed', 'flow.taken']);
const NO_TOKENS: Readonly<Record<string, number>> = {};

/** One instance: diagram with tokens, path and incidents; timeline; variables; manager actions. */
export function InstancePage({ instanceId }: { instanceId: string }) {
  const { t, formatDateTime, locale } = useI18n();
  const { hasRole } = useAuth();
  const instance = useAsync(() => api.get<InstanceDetail>(`/api/instances/${instanceId}`), [instanceId]);
  const history = useAsync(
    () =>
      api
        .get<HistoryList>(`/api/instances/${instanceId}/history`, { limit: 1000 })
        .then((page) => page.items),
    [instanceId],
  );
  const tasks = useAsync(
    () => api.get<TaskList>('/api/tasks', { scope: 'all', instanceId, limit: 200 }),
    [instanceId],
  );
  const definitionId = instance.data?.definitionId;
  const xml = useAsync(
    () => (definitionId ? definitionXml(definitionId) : Promise.resolve('')),
    [definitionId],
  );
  const labels = useMemo(() => elementLabels(xml.data ?? ''), [xml.data]);
  const [showMoves, setShowMoves] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const move = useTokenMove(instance.data?.activeElements ?? NO_TOKENS);
  useLiveEvents((events, resync) => {
    if (resync || events.some((e) => e.instanceId === instanceId)) {
      instance.reload(true);
      history.reload(true);
      tasks.reload(true);
    }
  });

  const openTasks = (tasks.data?.items ?? []).filter(
    (task) => task.instanceId === instanceId && task.state === 'created',
  );
  // Open tasks by the name their form gives in the reader's language, as the inbox names them.
  const cards = useTaskCards(openTasks.map((task) => task.id));

  if (instance.loading && !instance.data) return <Loading />;
  if (!instance.data) return <ErrorMessage error={instance.error} />;
  const detail = instance.data;
  const act = async (path: string, message: string) => {
    setError(null);
    try {
      await api.post(path, {});
      setNotice(message);
      instance.reload(true);
      history.reload(true);
      tasks.reload(true);
    } catch (failure) {
      setError(failure);
    }
  };
  const canRepair = detail.status === 'active' && hasRole('manager', 'admin');
  const picking = canRepair && move.open;
  const repaired = (message: string) => {
    setNotice(message);
    instance.reload(true);
    history.reload(true);
    tasks.reload(true);
  };
  const events = (history.data ?? []).filter((e) => showMoves || !MOVEMENT.has(e.type));
  const openIncidents = detail.incidents.filter((i) => !i.resolvedAt);

  return (
    <section className="page instance-page">
      <div className="page-head">
        <div>
          <a className="small-link" href={href('/instances')}>
            ← {t('instances.title')}
          </a>
          <h1>
            {detail.processId} v{detail.version}{' '}
            <StatusBadge tone={statusTone(detail.status)} testId="instance-status">
              {t(`status.${detail.status}`)}
            </StatusBadge>
          </h1>
          <div className="meta">
            <code>{detail.id}</code>
            {detail.businessKey ? <span>{detail.businessKey}</span> : null}
            <span>
              {t('instances.started')}: {formatDateTime(detail.startedAt)} · {detail.startedBy ?? '—'}
            </span>
            {detail.endedAt ? (
              <span>
                {t('instances.ended')}: {formatDateTime(detail.endedAt)}
              </span>
            ) : null}
          </div>
        </div>
        {detail.status === 'active' && hasRole('manager', 'admin') ? (
          <button
            type="button"
            className="btn btn-danger"
            data-testid="cancel-instance"
            onClick={() =>
              window.confirm(t('instances.cancelConfirm')) &&
              void act(`/api/instances/${instanceId}/cancel`, t('instances.cancelled'))
            }
          >
            {t('instances.cancel')}
          </button>
        ) : null}
      </div>
      {notice ? <div className="alert alert-info">{notice}</div> : null}
      <ErrorMessage error={error} />
      <div className="card">
        <div className="legend">
          <span className="legend-done">{t('instances.legendDone')}</span>
          <span className="legend-active">{t('instances.legendActive')}</span>
          <span className="legend-incident">{t('instances.legendIncident')}</span>
        </div>
        {xml.data ? (
          <LazyDiagram
            xml={xml.data}
            height={420}
            decorations={{
              completed: [...detail.completedElementIds, ...detail.takenFlowIds],
              tokens: detail.activeElements,
              incidents: openIncidents.map((i) => i.elementId),
              highlight: picking ? [move.cancel, move.start].filter(Boolean) : [],
            }}
            onElementClick={picking ? move.pick : undefined}
          />
        ) : null}
        {canRepair ? <RepairTools detail={detail} labels={labels} move={move} onChanged={repaired} /> : null}
      </div>
      <div className="task-columns">
        <div className="card">
          <div className="card-head">
            <h2>{t('instances.timeline')}</h2>
            <label className="inline-field">
              <input type="checkbox" checked={showMoves} onChange={(e) => setShowMoves(e.target.checked)} />{' '}
              {t('instances.showMoves')}
            </label>
          </div>
          <Timeline events={events} labels={labels} />
        </div>
        <div>
          {openIncidents.length > 0 ? (
            <div className="card">
              <h2>{t('instances.incidents')}</h2>
              <ul className="plain-list">
                {openIncidents.map((incident) => (
                  <li key={incident.id}>
                    <strong title={incident.elementId}>{elementName(incident.elementId, labels, t)}</strong>{' '}
                    {incident.message}{' '}
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="retry-incident"
                      onClick={() => void act(`/api/incidents/${incident.id}/retry`, t('instances.retried'))}
                    >
                      {t('instances.retry')}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <FileLinks instanceId={detail.id} />
          <div className="card">
            <h2>{t('instances.openTasks')}</h2>
            {openTasks.length === 0 ? <p className="muted">—</p> : null}
            <ul className="plain-list">
              {openTasks.map((task) => (
                <li key={task.id} data-testid="open-task">
                  <a href={href(`/tasks/${task.id}`)}>
                    {(cards.has(task.id) ? nameIn(cards.get(task.id)!.taskName, locale) : task.name) ||
                      task.elementId}
                  </a>{' '}
                  · {task.assignee ?? task.candidateGroups.join(', ')}
                </li>
              ))}
            </ul>
          </div>
          <VariablesEditor
            instanceId={instanceId}
            variables={detail.variables}
            editable={detail.status === 'active' && hasRole('manager', 'admin')}
            onSaved={() => {
              setNotice(t('instances.variablesSaved'));
              instance.reload(true);
              history.reload(true);
            }}
          />
        </div>
      </div>
    </section>
  );
}
