import type { IssueCollector } from './issues.js';
import type { Element, ProcessModel, SequenceFlow } from './types.js';

/**
 * Instantiating receive tasks and event-based gateways (BPMN 2.0, 10.4.2 and 10.6.6): a receive
 * task with `instantiate="true"` and no incoming flow starts the process on its message, as a
 * message start event does; an instantiating (exclusive) event-based gateway starts it on the
 * first message of the events after it, and the other events are not armed in that instance.
 * Zeebe runs neither; the engine follows the spec. Parallel event-based gateways stay rejected.
 */

/** Ids of the elements whose message starts an instance, given the instantiating gateways' flows. */
export function messageStartIds(
  childIds: readonly string[],
  elements: Readonly<Record<string, Element>>,
  flows: Readonly<Record<string, SequenceFlow>>,
): string[] {
  const ids: string[] = [];
  for (const id of childIds) {
    const element = elements[id];
    if (!element || !('instantiate' in element) || element.instantiate !== true) continue;
    if (element.kind === 'bpmn:ReceiveTask') ids.push(id);
    else
      for (const flowId of element.outgoing) {
        const targetId = flows[flowId]?.targetId;
        if (targetId && !ids.includes(targetId)) ids.push(targetId);
      }
  }
  return ids;
}

/** The targets of instantiating event-based gateways, from the raw nodes: they are compiled as starts. */
export function instantiatingTargets(
  gatewayIds: ReadonlySet<string>,
  flows: Readonly<Record<string, SequenceFlow>>,
): Set<string> {
  const targets = new Set<string>();
  for (const flow of Object.values(flows)) if (gatewayIds.has(flow.sourceId)) targets.add(flow.targetId);
  return targets;
}

/**
 * Where instantiating elements may sit and what may follow an instantiating gateway (incoming
 * flows are refused with the other flow-count rules).
 */
export function checkInstantiating(model: ProcessModel, issues: IssueCollector): void {
  for (const element of Object.values(model.elements)) {
    if (!('instantiate' in element) || element.instantiate !== true) continue;
    const what =
      element.kind === 'bpmn:ReceiveTask'
        ? 'an instantiating receive task'
        : 'an instantiating event-based gateway';
    if (element.parentId !== model.id)
      issues.add(
        element.id,
        'element.unsupported',
        `${what} starts the process, so it sits at the process level`,
      );
    if (element.kind !== 'bpmn:EventBasedGateway') continue;
    for (const flowId of element.outgoing) {
      const target = model.elements[model.flows[flowId]?.targetId ?? ''];
      if (!target) continue;
      const isMessage =
        target.kind === 'bpmn:ReceiveTask' ||
        (target.kind === 'bpmn:IntermediateCatchEvent' &&
          target.event.kind === 'message' &&
          !target.multiple);
      if (!isMessage)
        issues.add(
          target.id,
          'gateway.target-invalid',
          `only a message starts an instance: '${target.id}' after instantiating gateway '${element.id}' must be a message catch event or a receive task`,
        );
    }
  }
}
