/**
 * Makes the Zeebe properties panel offer the listeners the Baton engine runs, and only those:
 * execution listeners `start` / `end` where Zeebe takes them (the panel already knows which), no
 * `beforeAll` on multi-instance activities (the engine runs start and end listeners per
 * instance), start and end listeners on a process or pool, and task listeners of the events
 * `creating`, `assigning`, `updating` and `completing`.
 */

/** The task listener events the engine runs. */
export const TASK_LISTENER_EVENTS: readonly string[] = ['creating', 'assigning', 'updating', 'completing'];

interface BusinessObject {
  readonly $type: string;
  readonly eventDefinitions?: readonly { readonly $type: string }[];
  readonly extensionElements?: { readonly values?: readonly ModdleListenerContainer[] };
  get?(name: string): unknown;
}

interface ModdleListenerContainer {
  readonly $type: string;
  readonly listeners?: readonly ModdleListener[];
}

interface ModdleListener {
  readonly eventType?: string;
  readonly type?: string;
}

/** The panel's English labels of the task listener events (translated through the modeler's dictionary). */
const TASK_EVENT_LABELS: Readonly<Record<string, string>> = {
  creating: 'Creating',
  assigning: 'Assigning',
  updating: 'Updating',
  completing: 'Completing',
};

type Translate = (template: string, replacements?: Record<string, unknown>) => string;

/** A diagram element as the properties panel hands it to providers. */
export interface PanelElement {
  readonly type: string;
  readonly businessObject: BusinessObject;
}

const GATEWAYS = /Gateway$/;

/**
 * The execution listener event types the engine runs on an element, in the panel's order (an
 * empty list would drop the group).
 */
export function executionListenerEvents(element: PanelElement): readonly string[] {
  const bo = element.businessObject;
  const type = bo.$type;
  // On a process (or the pool that shows it), start listeners run before its start event, end ones
  // before it completes.
  if (type === 'bpmn:Process' || type === 'bpmn:Participant') return ['start', 'end'];
  if (type === 'bpmn:StartEvent' || type === 'bpmn:BoundaryEvent') return ['end'];
  if (GATEWAYS.test(type)) return ['start'];
  // An error end event leaves before it completes, a terminate end event ends its scope instead.
  if (
    type === 'bpmn:EndEvent' &&
    bo.eventDefinitions?.some(
      (d) => d.$type === 'bpmn:ErrorEventDefinition' || d.$type === 'bpmn:TerminateEventDefinition',
    )
  )
    return ['start'];
  return ['start', 'end'];
}

interface Entry {
  readonly id: string;
  readonly eventTypes?: readonly string[];
  readonly [key: string]: unknown;
}

interface Item {
  readonly entries?: readonly Entry[];
  readonly [key: string]: unknown;
}

/** A properties panel group (a list group has `items` and `add`). */
export interface Group {
  readonly id: string;
  readonly items?: readonly Item[];
  readonly add?: (event: unknown) => void;
  readonly [key: string]: unknown;
}

/** Offers only `allowed` in the event type select of every listener of a list group. */
function withEventTypes(group: Group, allowed: readonly string[]): Group {
  return {
    ...group,
    items: (group.items ?? []).map((item) => ({
      ...item,
      entries: (item.entries ?? []).map((entry) =>
        entry.id.endsWith('-eventType') ? { ...entry, eventTypes: allowed } : entry,
      ),
    })),
  };
}

/** The listeners of one kind on an element, as the model holds them. */
function listenersOf(element: PanelElement, container: string): readonly ModdleListener[] {
  const values = element.businessObject.extensionElements?.values ?? [];
  return values.find((value) => value.$type === container)?.listeners ?? [];
}

/** What the properties panel needs to fix a listener the panel added with an event type the engine does not run. */
export interface Modeling {
  updateModdleProperties(element: PanelElement, target: unknown, properties: Record<string, unknown>): void;
}

/**
 * Rewrites the groups the Zeebe provider made for one element: the listener groups keep only the
 * event types the engine runs; a listener the panel's "add" creates with another one (`beforeAll`
 * on a multi-instance activity) gets the first the engine runs.
 */
export function restrictListenerGroups(
  element: PanelElement,
  groups: readonly Group[],
  modeling?: Modeling,
  translate?: Translate,
): Group[] {
  const out: Group[] = [];
  for (const group of groups) {
    if (group.id === 'Zeebe__ExecutionListeners') {
      const allowed = executionListenerEvents(element);
      if (allowed.length === 0) continue;
      out.push(
        withAdd(withEventTypes(group, allowed), element, 'zeebe:ExecutionListeners', allowed, modeling),
      );
    } else if (group.id === 'Zeebe__TaskListeners') {
      const restricted = withEventTypes(group, TASK_LISTENER_EVENTS);
      const labelled = translate ? withTaskLabels(restricted, element, translate) : restricted;
      out.push(withAdd(labelled, element, 'zeebe:TaskListeners', TASK_LISTENER_EVENTS, modeling));
    } else out.push(group);
  }
  return out;
}

/** Task listener items labelled in the modeler's language ("完成时：audit"), not with the English event name. */
function withTaskLabels(group: Group, element: PanelElement, translate: Translate): Group {
  const listeners = listenersOf(element, 'zeebe:TaskListeners');
  return {
    ...group,
    items: (group.items ?? []).map((item, index) => {
      const listener = listeners[index];
      if (!listener) return item;
      const event = listener.eventType ?? '';
      return {
        ...item,
        label: translate('{eventType}: {type}', {
          eventType: translate(TASK_EVENT_LABELS[event] ?? event),
          type: listener.type || translate('<no type>'),
        }),
      };
    }),
  };
}

function withAdd(
  group: Group,
  element: PanelElement,
  container: string,
  allowed: readonly string[],
  modeling: Modeling | undefined,
): Group {
  const add = group.add;
  if (!add || !modeling) return group;
  return {
    ...group,
    add: (event: unknown) => {
      add(event);
      const listeners = listenersOf(element, container);
      const added = listeners[listeners.length - 1];
      if (added && !allowed.includes(added.eventType ?? ''))
        modeling.updateModdleProperties(element, added, { eventType: allowed[0] });
    },
  };
}

interface PropertiesPanel {
  registerProvider(priority: number, provider: object): void;
}

/** Runs after the Zeebe provider (priority 500): lower priorities rewrite what higher ones made. */
const AFTER_ZEEBE = 100;

function ListenerGroups(
  this: unknown,
  propertiesPanel: PropertiesPanel,
  modeling: Modeling,
  translate: Translate,
) {
  propertiesPanel.registerProvider(AFTER_ZEEBE, {
    getGroups:
      (element: PanelElement) =>
      (groups: Group[]): Group[] =>
        restrictListenerGroups(element, groups, modeling, translate),
  });
}
ListenerGroups.$inject = ['propertiesPanel', 'modeling', 'translate'];

/** The module, in bpmn-io's shape. */
export const listenerGroupsModule = {
  __init__: ['batonListenerGroups'],
  batonListenerGroups: ['type', ListenerGroups],
};
