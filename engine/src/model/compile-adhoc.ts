import type { IssueCollector } from './issues.js';
import { attr, children, expressionBody, extension, type ModdleNode } from './moddle.js';
import type { ActivityElement, AdHocSpec, ProcessModel } from './types.js';

/**
 * Ad-hoc subprocesses as Camunda 8.7+ runs them (`bpmn:adHocSubProcess`): the inner elements have
 * no start or end event; `zeebe:adHoc activeElementsCollection` (FEEL, a list of inner element
 * ids) says which start on entry, and the activation command starts more while it runs.
 *
 * What Camunda 8.8 adds for ad-hoc subprocesses driven by a job worker (`zeebe:taskDefinition` on
 * the subprocess, `outputCollection` / `outputElement`, AI agents) is refused with the element id,
 * and so is `ordering="Sequential"`: Zeebe runs the inner elements in parallel only.
 */

/** Flow elements that neither run nor can be activated. */
const NOT_ACTIVATABLE = new Set([
  'bpmn:SequenceFlow',
  'bpmn:BoundaryEvent',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

/** Compiles the ad-hoc part of an `bpmn:AdHocSubProcess`; problems go to `issues` with its id. */
export function compileAdHoc<A extends Omit<ActivityElement, 'adHoc'>>(
  node: ModdleNode,
  activity: A,
  issues: IssueCollector,
): A & { adHoc: AdHocSpec } {
  const id = activity.id;
  if (node.ordering === 'Sequential') {
    issues.add(
      id,
      'element.unsupported',
      "ordering='Sequential' is not supported (nor by Zeebe): the inner elements of an ad-hoc subprocess run in parallel",
    );
  }
  if (extension(node, 'zeebe:TaskDefinition')) {
    issues.add(
      id,
      'element.unsupported',
      'an ad-hoc subprocess driven by a job worker (zeebe:taskDefinition) is not supported; list the elements to start in activeElementsCollection or start them with the activation command',
    );
  }
  if (extension(node, 'zeebe:AgentDefinition')) {
    issues.add(
      id,
      'element.unsupported',
      'AI agent ad-hoc subprocesses (zeebe:agentDefinition) are not supported',
    );
  }
  const zeebe = extension(node, 'zeebe:AdHoc');
  for (const key of ['outputCollection', 'outputElement'] as const) {
    if (attr(zeebe, key)?.trim())
      issues.add(
        id,
        'element.unsupported',
        `zeebe:adHoc ${key} belongs to ad-hoc subprocesses driven by a job worker and is not supported`,
      );
  }
  const collection = attr(zeebe, 'activeElementsCollection');
  const condition = expressionBody(node, 'completionCondition');
  const activatableIds = children(node, 'flowElements')
    .filter((inner) => inner.id && !NOT_ACTIVATABLE.has(inner.$type) && inner.triggeredByEvent !== true)
    .map((inner) => inner.id ?? '');
  const adHoc: AdHocSpec = {
    ...(collection?.trim()
      ? { activeElements: issues.feel(id, 'active elements collection', collection) }
      : {}),
    ...(condition?.trim() ? { completionCondition: issues.feel(id, 'completion condition', condition) } : {}),
    cancelRemainingInstances: node.cancelRemainingInstances !== false,
    activatableIds,
  };
  return { ...activity, adHoc };
}

/**
 * The constraints Camunda documents for ad-hoc subprocesses: at least one activity, no start or
 * end events, and intermediate catch events that lead somewhere (an outgoing flow).
 */
export function checkAdHocStructure(model: ProcessModel, issues: IssueCollector): void {
  for (const element of Object.values(model.elements)) {
    if (element.kind !== 'bpmn:AdHocSubProcess') continue;
    const inner = model.scopes[element.id]?.childIds.map((childId) => model.elements[childId]) ?? [];
    if (!inner.some((child) => child && 'boundaryEventIds' in child)) {
      issues.add(element.id, 'adhoc.invalid', 'an ad-hoc subprocess needs at least one activity');
    }
    for (const child of inner) {
      if (!child) continue;
      if (child.kind === 'bpmn:StartEvent' || child.kind === 'bpmn:EndEvent') {
        issues.add(
          child.id,
          'adhoc.invalid',
          `an ad-hoc subprocess ('${element.id}') has no ${child.kind === 'bpmn:StartEvent' ? 'start' : 'end'} events: its elements are activated`,
        );
      } else if (child.kind === 'bpmn:IntermediateCatchEvent' && child.outgoing.length === 0) {
        issues.add(
          child.id,
          'adhoc.invalid',
          `an intermediate catch event in an ad-hoc subprocess ('${element.id}') needs an outgoing flow`,
        );
      }
    }
  }
}

/** Whether an element sits directly in an ad-hoc subprocess (it may then have no incoming flow). */
export function isInAdHoc(model: ProcessModel, elementId: string): boolean {
  const parentId = model.elements[elementId]?.parentId;
  return parentId !== undefined && model.elements[parentId]?.kind === 'bpmn:AdHocSubProcess';
}
