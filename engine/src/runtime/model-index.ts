import type { ActivityElement, Element, ProcessModel, SequenceFlow } from '../model/types.js';

/**
 * Lookups derived from a compiled model, computed once per model and shared by every step of
 * every instance (the model is readonly, so a WeakMap keyed by it never goes stale).
 */
export interface ModelIndex {
  readonly model: ProcessModel;
  element(id: string): Element;
  flow(id: string): SequenceFlow;
  /** The link catch event with this name in this flow scope. */
  linkTarget(scopeElementId: string, linkName: string): string | undefined;
  /** Flows reachable from an element (through flows, boundary events and links), for inclusive joins. */
  reachableFlows(elementId: string): ReadonlySet<string>;
}

const cache = new WeakMap<ProcessModel, ModelIndex>();

/** The (cached) index of a model. */
export function indexModel(model: ProcessModel): ModelIndex {
  let index = cache.get(model);
  if (!index) {
    index = buildIndex(model);
    cache.set(model, index);
  }
  return index;
}

function buildIndex(model: ProcessModel): ModelIndex {
  // The compiler pairs link events by scope and name (and rejects a name caught twice).
  const linkTarget = (scopeElementId: string, linkName: string): string | undefined =>
    model.linkTargets[`${scopeElementId}:${linkName}`];
  const reach = new Map<string, ReadonlySet<string>>();

  const element = (id: string): Element => {
    const found = model.elements[id];
    if (!found) throw new Error(`Element '${id}' is not in process '${model.id}'`);
    return found;
  };

  const successors = (id: string): { flows: readonly string[]; elements: readonly string[] } => {
    const el = model.elements[id];
    if (!el) return { flows: [], elements: [] };
    const elements: string[] = [];
    if (isActivity(el)) elements.push(...el.boundaryEventIds);
    if (el.kind === 'bpmn:IntermediateThrowEvent' && el.event.kind === 'link') {
      const target = linkTarget(el.parentId, el.event.linkName);
      if (target) elements.push(target);
    }
    return { flows: el.outgoing, elements };
  };

  const reachableFlows = (start: string): ReadonlySet<string> => {
    const known = reach.get(start);
    if (known) return known;
    const flows = new Set<string>();
    const seen = new Set<string>([start]);
    const stack = [start];
    while (stack.length > 0) {
      const next = successors(stack.pop() as string);
      const targets = [...next.elements];
      for (const flowId of next.flows) {
        flows.add(flowId);
        const target = model.flows[flowId]?.targetId;
        if (target) targets.push(target);
      }
      for (const target of targets) {
        if (!seen.has(target)) {
          seen.add(target);
          stack.push(target);
        }
      }
    }
    reach.set(start, flows);
    return flows;
  };

  return {
    model,
    element,
    flow(id) {
      const found = model.flows[id];
      if (!found) throw new Error(`Sequence flow '${id}' is not in process '${model.id}'`);
      return found;
    },
    linkTarget,
    reachableFlows,
  };
}

const ACTIVITY_KINDS: ReadonlySet<string> = new Set<ActivityElement['kind']>([
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:ReceiveTask',
  'bpmn:ManualTask',
  'bpmn:Task',
  'bpmn:ScriptTask',
  'bpmn:BusinessRuleTask',
  'bpmn:SubProcess',
  'bpmn:CallActivity',
  'bpmn:AdHocSubProcess',
]);

/** Activities: tasks, subprocesses and call activities. */
export function isActivity(element: Element): element is ActivityElement {
  return isActivityKind(element.kind);
}

/** Whether elements of this kind are activities (tasks, subprocesses, call activities). */
export function isActivityKind(kind: string): boolean {
  return ACTIVITY_KINDS.has(kind);
}
