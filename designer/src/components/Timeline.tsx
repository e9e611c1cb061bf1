import type { HistoryEvent, Json } from '../api/types.js';
import type { MessageKey } from '../app/en.js';
import { useI18n } from '../app/i18n.js';

/** History types with their own wording; others show their raw type. */
const LABELS: Record<string, MessageKey> = {
  'instance.started': 'history.instanceStarted',
  'instance.completed': 'history.instanceCompleted',
  'instance.cancelled': 'history.instanceCancelled',
  'element.entered': 'history.elementEntered',
  'element.left': 'history.elementLeft',
  'element.completed': 'history.elementLeft',
  'element.terminated': 'history.elementTerminated',
  'flow.taken': 'history.flowTaken',
  'instance.terminated': 'history.instanceTerminated',
  'error.thrown': 'history.errorThrown',
  'signal.thrown': 'history.signalThrown',
  'incident.raised': 'history.incidentCreated',
  'task.created': 'history.taskCreated',
  'task.claimed': 'history.taskClaimed',
  'task.unclaimed': 'history.taskUnclaimed',
  'task.completed': 'history.taskCompleted',
  'task.handedOff': 'history.taskHandedOff',
  'task.delegated': 'history.taskDelegated',
  'task.resolved': 'history.taskResolved',
  'task.returned': 'history.taskReturned',
  'task.commented': 'history.taskCommented',
  'task.assigned': 'history.taskAssigned',
  'task.draftSaved': 'history.taskDraftSaved',
  'task.cancelled': 'history.taskCancelled',
  'variables.changed': 'history.variablesChanged',
  'incident.created': 'history.incidentCreated',
  'incident.resolved': 'history.incidentResolved',
  escalation: 'history.escalation',
  'escalation.thrown': 'history.escalation',
};

/** Picks the human parts of an event's data: who to whom, why, what was said. */
function details(data: Record<string, Json> | null): string[] {
  if (!data) return [];
  const parts: string[] = [];
  const text = (value: Json | undefined) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  const from = text(data.from ?? data.fromUser);
  const to = text(data.to ?? data.toUser ?? data.toGroup ?? data.assignee ?? data.targetElementId);
  if (from || to) parts.push(`${from ?? '—'} → ${to ?? '—'}`);
  for (const key of ['reason', 'text', 'message', 'escalationCode', 'errorCode']) {
    const value = text(data[key]);
    if (value) parts.push(value);
  }
  return parts;
}

/** A who-did-what-when list; element.entered/left noise can be hidden by the caller. */
export function Timeline({ events }: { events: readonly HistoryEvent[] }) {
  const { t, formatDateTime } = useI18n();
  if (events.length === 0) return <p className="muted">{t('history.empty')}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((event) => {
        const label = LABELS[event.type];
        const isImportant = /handedOff|returned|escalat|incident|delegated/.test(event.type);
        return (
          <li key={event.seq} className={isImportant ? 'timeline-item important' : 'timeline-item'}>
            <time dateTime={event.at}>{formatDateTime(event.at)}</time>
            <div>
              <strong>{label ? t(label) : event.type}</strong>
              {event.elementId ? <code className="element-id">{event.elementId}</code> : null}
              {event.actor ? <span className="actor"> · {event.actor}</span> : null}
              {details(event.data).map((part) => (
                <div key={part} className="timeline-detail">
                  {part}
                </div>
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
