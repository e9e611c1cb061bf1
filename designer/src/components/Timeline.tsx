import type { HistoryEvent } from '../api/types.js';
import type { MessageKey } from '../app/en.js';
import { type Translate, useI18n } from '../app/i18n.js';
import type { ElementLabels } from './element-labels.js';
import { type Detail, eventDetails, type Party } from './timeline-details.js';

/** History types with their own wording; others show their raw type. */
const LABELS: Record<string, MessageKey> = {
  'instance.started': 'history.instanceStarted',
  'instance.completed': 'history.instanceCompleted',
  'instance.cancelled': 'history.instanceCancelled',
  'instance.migrated': 'history.instanceMigrated',
  'instance.modified': 'history.instanceModified',
  'element.entered': 'history.elementEntered',
  'element.left': 'history.elementLeft',
  'element.completed': 'history.elementLeft',
  'element.terminated': 'history.elementTerminated',
  'flow.taken': 'history.flowTaken',
  'instance.terminated': 'history.instanceTerminated',
  'error.thrown': 'history.errorThrown',
  'signal.thrown': 'history.signalThrown',
  'decision.evaluated': 'history.decisionEvaluated',
  'incident.raised': 'history.incidentCreated',
  'task.created': 'history.taskCreated',
  'task.claimed': 'history.taskClaimed',
  'task.unclaimed': 'history.taskUnclaimed',
  'task.completed': 'history.taskCompleted',
  'task.completing': 'history.taskCompleting',
  'task.completionDenied': 'history.taskCompletionDenied',
  'task.assigning': 'history.taskAssigning',
  'task.assignmentDenied': 'history.taskAssignmentDenied',
  'task.updating': 'history.taskUpdating',
  'task.updated': 'history.taskUpdated',
  'task.updateDenied': 'history.taskUpdateDenied',
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
  'compensation.started': 'history.compensationStarted',
  'transaction.cancelled': 'history.transactionCancelled',
};

/** Unnamed elements are called by their kind rather than by a generated id. */
const KINDS: Record<string, MessageKey> = {
  startEvent: 'element.startEvent',
  endEvent: 'element.endEvent',
  intermediateCatchEvent: 'element.event',
  intermediateThrowEvent: 'element.event',
  boundaryEvent: 'element.event',
  exclusiveGateway: 'element.gateway',
  parallelGateway: 'element.gateway',
  inclusiveGateway: 'element.gateway',
  eventBasedGateway: 'element.gateway',
  sequenceFlow: 'element.flow',
  userTask: 'element.task',
  serviceTask: 'element.task',
  businessRuleTask: 'element.task',
  task: 'element.task',
};

/** An element's readable name; its id stays available as a tooltip. */
export function elementName(id: string, labels: ElementLabels | undefined, t: Translate): string {
  const label = labels?.get(id);
  if (label?.name) return label.name;
  const kind = label ? KINDS[label.kind] : undefined;
  return kind ? t(kind) : id;
}

function ElementRef({ id, labels }: { id: string; labels: ElementLabels | undefined }) {
  const { t } = useI18n();
  return (
    <span className="element-name" title={id} data-element-id={id}>
      {elementName(id, labels, t)}
    </span>
  );
}

function PartyView({ party, labels }: { party: Party; labels: ElementLabels | undefined }) {
  const { t } = useI18n();
  if (party.type === 'element') return <ElementRef id={party.id} labels={labels} />;
  if (party.type === 'group')
    return <span className="party">{t('history.group', { name: party.name })}</span>;
  return <span className="party">{party.name}</span>;
}

function Parties({ parties, labels }: { parties: readonly Party[]; labels: ElementLabels | undefined }) {
  if (parties.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {parties.map((party, index) => (
        <span key={`${party.type}:${'id' in party ? party.id : party.name}`}>
          {index > 0 ? ', ' : null}
          <PartyView party={party} labels={labels} />
        </span>
      ))}
    </>
  );
}

function DetailLine({ detail, labels }: { detail: Detail; labels: ElementLabels | undefined }) {
  const { t } = useI18n();
  if (detail.kind === 'route')
    return (
      <div className="timeline-detail timeline-route" data-testid="timeline-route">
        <Parties parties={detail.from} labels={labels} /> → <Parties parties={detail.to} labels={labels} />
      </div>
    );
  return (
    <div className={detail.quote ? 'timeline-detail timeline-quote' : 'timeline-detail'}>
      {detail.label ? <span className="detail-label">{t(detail.label)}: </span> : null}
      {detail.quote ? `“${detail.text}”` : detail.text}
    </div>
  );
}

/**
 * A who-did-what-when list. `labels` (from the definition's XML) turns element ids into names;
 * element.entered/left noise can be hidden by the caller.
 */
export function Timeline({ events, labels }: { events: readonly HistoryEvent[]; labels?: ElementLabels }) {
  const { t, formatDateTime } = useI18n();
  if (events.length === 0) return <p className="muted">{t('history.empty')}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((event) => {
        const label = LABELS[event.type];
        const isImportant = /handedOff|returned|escalat|incident|delegated|assigned/.test(event.type);
        return (
          <li
            key={event.seq}
            className={isImportant ? 'timeline-item important' : 'timeline-item'}
            data-type={event.type}
          >
            <time dateTime={event.at}>{formatDateTime(event.at)}</time>
            <div>
              <strong>{label ? t(label) : event.type}</strong>
              {event.elementId ? (
                <>
                  {' '}
                  <ElementRef id={event.elementId} labels={labels} />
                </>
              ) : null}
              {event.actor ? <span className="actor"> · {event.actor}</span> : null}
              {eventDetails(event.type, event.data).map((detail, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: details of one event never reorder.
                <DetailLine key={index} detail={detail} labels={labels} />
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
