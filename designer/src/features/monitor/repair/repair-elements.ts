import type { ElementLabels } from '../../../components/element-labels.js';

/**
 * BPMN kinds a token can be started before. Start and boundary events are left out because the
 * server refuses them (docs/OPERATIONS.md, "Token modification"); anything else it refuses (a
 * joining gateway, a sub-process that is not active) comes back as its message.
 */
const STARTABLE_KINDS: ReadonlySet<string> = new Set([
  'task',
  'userTask',
  'serviceTask',
  'scriptTask',
  'sendTask',
  'receiveTask',
  'manualTask',
  'businessRuleTask',
  'callActivity',
  'subProcess',
  'intermediateCatchEvent',
  'intermediateThrowEvent',
  'endEvent',
  'exclusiveGateway',
  'inclusiveGateway',
  'parallelGateway',
  'eventBasedGateway',
]);

/** One element a person can pick: its id and what to call it. */
export interface PickableElement {
  readonly id: string;
  readonly name: string;
}

/** The element's name, else its id (ids are what designers see when they left a name out). */
export function displayName(labels: ElementLabels, id: string): string {
  return labels.get(id)?.name ?? id;
}

/** Elements a token can start before, by name. */
export function startableElements(labels: ElementLabels): PickableElement[] {
  return [...labels.entries()]
    .filter(([, label]) => STARTABLE_KINDS.has(label.kind))
    .map(([id]) => ({ id, name: displayName(labels, id) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Elements holding at least one token, by name. */
export function activeElements(
  labels: ElementLabels,
  tokens: Readonly<Record<string, number>>,
): PickableElement[] {
  return Object.entries(tokens)
    .filter(([, count]) => count > 0)
    .map(([id]) => ({ id, name: displayName(labels, id) }));
}
