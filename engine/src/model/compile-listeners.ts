import type { IssueCollector } from './issues.js';
import { attr, children, extension, type ModdleNode } from './moddle.js';
import type {
  ElementKind,
  ExecutionListeners,
  Expr,
  ListenerSpec,
  TaskListenerEvent,
  TaskListeners,
} from './types.js';

/**
 * Readers for `zeebe:executionListeners` and `zeebe:taskListeners`, with Zeebe's deploy rules.
 *
 * Execution listeners run where Zeebe runs them: start and end listeners on activities and
 * intermediate / end events, end listeners only on start and boundary events, start listeners
 * only on gateways, and no end listeners on an error end event (the error leaves the element
 * before it completes) nor on a terminate end event (it ends its scope instead). A listener needs
 * a job type; `(eventType, type)` must be unique on an element. On the process, start listeners
 * run before its start event (or, when a message starts it at an instantiating receive task or
 * after an instantiating event-based gateway, before that element) and end listeners once it has
 * run out of tokens (or reached a terminate end event), before it completes. An element after an
 * event-based gateway runs its start listeners once its event has happened, then completes with
 * the event (`runtime/listeners.ts`), so no placement of start listeners is rejected for its flows.
 *
 * Task listeners: the events the engine runs are `creating`, `assigning`, `updating` and
 * `completing` (Zeebe 8.8), and the 8.7 names `create`, `assignment`, `update` and `complete` are
 * read as those. `canceling` is rejected with a message that says so.
 */

const GATEWAYS: ReadonlySet<ElementKind> = new Set([
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:EventBasedGateway',
  'bpmn:ComplexGateway',
]);

/** Zeebe 8.7's names for the task listener events, and 8.8's own. */
const TASK_EVENTS: Readonly<Record<string, TaskListenerEvent>> = {
  creating: 'creating',
  create: 'creating',
  assigning: 'assigning',
  assignment: 'assigning',
  updating: 'updating',
  update: 'updating',
  completing: 'completing',
  complete: 'completing',
};

/** Events Zeebe has that the engine does not run; rejected at deploy with the reason. */
const TASK_EVENTS_NOT_RUN: Readonly<Record<string, string>> = {
  canceling: 'canceling',
  cancel: 'canceling',
};

/** Why an element of this kind takes no listener of this event type; undefined when it may. */
function refusal(
  node: ModdleNode,
  kind: ElementKind | 'bpmn:Process',
  eventType: 'start' | 'end',
): string | undefined {
  if (kind === 'bpmn:Process') return undefined;
  if (eventType === 'start') {
    if (kind === 'bpmn:StartEvent')
      return 'a start event takes no start listeners (as in Zeebe): put them on the process or subprocess';
    if (kind === 'bpmn:BoundaryEvent')
      return 'a boundary event takes no start listeners (as in Zeebe): put them on the activity it is attached to';
    return undefined;
  }
  if (GATEWAYS.has(kind))
    return 'a gateway takes no end listeners (as in Zeebe): put start listeners on the element after it';
  if (
    kind === 'bpmn:EndEvent' &&
    children(node, 'eventDefinitions').some((definition) => definition.$type === 'bpmn:ErrorEventDefinition')
  )
    return 'an error end event takes no end listeners (as in Zeebe): put them on the element that catches the error';
  if (
    kind === 'bpmn:EndEvent' &&
    children(node, 'eventDefinitions').some(
      (definition) => definition.$type === 'bpmn:TerminateEventDefinition',
    )
  )
    return 'a terminate end event takes no end listeners: it ends its scope instead of completing; put them on the process (they run at a terminate end event too) or on the element before it';
  return undefined;
}

function readListener(
  id: string,
  what: string,
  listener: ModdleNode,
  issues: IssueCollector,
): ListenerSpec | undefined {
  const type = attr(listener, 'type');
  if (!type || type.trim() === '') {
    issues.add(id, 'listener.invalid', `${what} needs a job type`);
    return undefined;
  }
  const rawRetries = attr(listener, 'retries')?.trim() || '3';
  const retries: Expr = issues.expr(id, `${what} retries`, rawRetries);
  if (!retries.feel && !/^\d+$/.test(retries.value))
    issues.add(id, 'listener.invalid', `${what}: retries '${rawRetries}' is not a whole number`);
  const headers = children(listener.headers as ModdleNode | undefined, 'values');
  return {
    type: issues.expr(id, `${what} job type`, type),
    retries,
    ...(headers.length > 0
      ? { headers: Object.fromEntries(headers.map((h) => [attr(h, 'key') ?? '', attr(h, 'value') ?? ''])) }
      : {}),
  };
}

/** `zeebe:executionListeners` of a flow node, checked against what Zeebe allows on its kind. */
export function readExecutionListeners(
  node: ModdleNode,
  kind: ElementKind | 'bpmn:Process',
  issues: IssueCollector,
): ExecutionListeners | undefined {
  const container = extension(node, 'zeebe:ExecutionListeners');
  if (!container) return undefined;
  const id = node.id ?? '';
  const start: ListenerSpec[] = [];
  const end: ListenerSpec[] = [];
  const seen = new Set<string>();
  for (const listener of children(container, 'listeners')) {
    const eventType = attr(listener, 'eventType')?.trim() || 'start';
    if (eventType !== 'start' && eventType !== 'end') {
      issues.add(
        id,
        'listener.invalid',
        `execution listener event type '${eventType}' is not one of start, end`,
      );
      continue;
    }
    const refused = refusal(node, kind, eventType);
    if (refused) {
      issues.add(id, 'listener.invalid', refused);
      continue;
    }
    const spec = readListener(id, `the ${eventType} execution listener`, listener, issues);
    if (!spec) continue;
    const key = `${eventType}\u0000${spec.type.feel ? `=${spec.type.source}` : spec.type.value}`;
    if (seen.has(key)) {
      issues.add(
        id,
        'listener.invalid',
        `two ${eventType} execution listeners of type '${attr(listener, 'type')}': Zeebe wants each (event type, type) once`,
      );
      continue;
    }
    seen.add(key);
    (eventType === 'start' ? start : end).push(spec);
  }
  return start.length > 0 || end.length > 0 ? { start, end } : undefined;
}

/** `zeebe:taskListeners` of a user task: the events the engine runs, in model order. */
export function readTaskListeners(node: ModdleNode, issues: IssueCollector): TaskListeners | undefined {
  const container = extension(node, 'zeebe:TaskListeners');
  if (!container) return undefined;
  const id = node.id ?? '';
  const byEvent: { [E in TaskListenerEvent]?: ListenerSpec[] } = {};
  for (const listener of children(container, 'listeners')) {
    const raw = attr(listener, 'eventType')?.trim() ?? '';
    const event = TASK_EVENTS[raw];
    if (!event) {
      const notRun = TASK_EVENTS_NOT_RUN[raw];
      issues.add(
        id,
        'listener.invalid',
        notRun
          ? `${notRun} task listeners are not supported yet; the engine runs creating, assigning, updating and completing task listeners`
          : `task listener event type '${raw}' is not one of creating, assigning, updating, completing (or create, assignment, update, complete)`,
      );
      continue;
    }
    const spec = readListener(id, `the ${event} task listener`, listener, issues);
    if (!spec) continue;
    byEvent[event] = [...(byEvent[event] ?? []), spec];
  }
  return Object.keys(byEvent).length > 0 ? byEvent : undefined;
}

/** Listener containers where the engine does not run them: on sequence flows, and task listeners on anything but a user task. */
export function checkMisplacedListeners(node: ModdleNode, issues: IssueCollector): void {
  const id = node.id ?? '';
  if (node.$type === 'bpmn:SequenceFlow' && extension(node, 'zeebe:ExecutionListeners'))
    issues.add(
      id,
      'extension.unsupported',
      '<zeebe:ExecutionListeners> do not run on sequence flows (as in Zeebe)',
    );
  if (node.$type !== 'bpmn:UserTask' && extension(node, 'zeebe:TaskListeners'))
    issues.add(id, 'extension.unsupported', '<zeebe:TaskListeners> belong on user tasks only');
}
