import type { IssueCollector } from './issues.js';
import { attr, child, type ModdleNode } from './moddle.js';
import type { ActivityElement, BoundaryEventElement, Element, EventElement } from './types.js';

/**
 * Compensation and transactions, as Camunda 8 (8.5+) models them: a compensation boundary event
 * on an activity, associated (`bpmn:association`) with a handler (`isForCompensation`, no
 * sequence flows); compensation throw and end events, with or without `activityRef`; a
 * transaction (`bpmn:transaction`), compiled as an embedded subprocess, left by a cancel end event
 * through its cancel boundary event. Marks the activities (`compensationHandlerId`,
 * `isForCompensation`, `transaction`) and reports every broken rule on its element id.
 */
export function compileCompensation(
  elements: Record<string, Element>,
  nodes: readonly ModdleNode[],
  associations: readonly ModdleNode[],
  issues: IssueCollector,
): void {
  const activity = (id: string | undefined): ActivityElement | undefined => {
    const element = id === undefined ? undefined : elements[id];
    return element && 'boundaryEventIds' in element ? element : undefined;
  };
  const update = (element: ActivityElement, fields: Partial<ActivityElement>): void => {
    const current = elements[element.id] as ActivityElement;
    elements[element.id] = { ...current, ...fields };
  };

  for (const node of nodes) {
    const id = node.id ?? '';
    if (node.$type === 'bpmn:Transaction') {
      const transaction = activity(id);
      if (transaction) update(transaction, { transaction: true });
      const method = attr(node, 'method')?.trim();
      if (method && method !== '##Compensate')
        issues.warn(
          id,
          'transaction.method-ignored',
          `the transaction method '${method}' is ignored: a cancelled transaction is always compensated`,
        );
    }
    if (node.isForCompensation === true) {
      const handler = activity(id);
      if (!handler) continue;
      update(handler, { isForCompensation: true });
      if (handler.triggeredByEvent) {
        issues.add(id, 'compensation.invalid', 'an event subprocess cannot be a compensation handler');
      }
      const flows = [...handler.incoming, ...handler.outgoing];
      if (flows.length > 0) {
        issues.add(
          id,
          'compensation.invalid',
          `a compensation handler is started by compensation, not by sequence flows; remove ${flows.map((f) => `'${f}'`).join(', ')}`,
        );
      }
    }
  }

  // Pair each compensation boundary event with the handler its association points to.
  const handlerOf = new Map<string, string>();
  const associated = new Set<string>();
  for (const association of associations) {
    const ends = [child(association, 'sourceRef')?.id, child(association, 'targetRef')?.id];
    const boundary = ends.map((end) => compensationBoundary(elements, end)).find((b) => b !== undefined);
    const handler = ends.map(activity).find((a) => a?.isForCompensation === true);
    if (!boundary || !handler) continue;
    associated.add(handler.id);
    const other = handlerOf.get(boundary.id);
    if (other && other !== handler.id) {
      issues.add(
        boundary.id,
        'compensation.invalid',
        `a compensation boundary event has one handler; it is associated with '${other}' and '${handler.id}'`,
      );
      continue;
    }
    handlerOf.set(boundary.id, handler.id);
  }

  for (const element of Object.values(elements)) {
    if (element.kind === 'bpmn:BoundaryEvent') checkBoundary(element, elements, handlerOf, update, issues);
    if (element.kind === 'bpmn:EndEvent' || element.kind === 'bpmn:IntermediateThrowEvent')
      checkThrow(element, elements, issues);
    if (element.kind === 'bpmn:StartEvent' && element.event.kind === 'compensate') {
      // A compensation event subprocess runs when the subprocess around it is compensated.
      const subprocess = elements[elements[element.parentId]?.parentId ?? ''];
      if (!subprocess || !('boundaryEventIds' in subprocess) || subprocess.triggeredByEvent) {
        issues.add(
          element.parentId,
          'compensation.invalid',
          'a compensation event subprocess belongs inside an embedded subprocess, which it compensates',
        );
      }
    }
    if ('boundaryEventIds' in element && element.isForCompensation && !associated.has(element.id)) {
      issues.add(
        element.id,
        'compensation.invalid',
        'a compensation handler needs an association from a compensation boundary event, or it never runs',
      );
    }
  }
}

function compensationBoundary(
  elements: Readonly<Record<string, Element>>,
  id: string | undefined,
): BoundaryEventElement | undefined {
  const element = id === undefined ? undefined : elements[id];
  return element?.kind === 'bpmn:BoundaryEvent' && element.event.kind === 'compensate' ? element : undefined;
}

function checkBoundary(
  boundary: BoundaryEventElement,
  elements: Readonly<Record<string, Element>>,
  handlerOf: ReadonlyMap<string, string>,
  update: (element: ActivityElement, fields: Partial<ActivityElement>) => void,
  issues: IssueCollector,
): void {
  const host = elements[boundary.attachedToId];
  const hostActivity = host && 'boundaryEventIds' in host ? host : undefined;
  if (boundary.event.kind === 'cancel') {
    if (!hostActivity?.transaction) {
      issues.add(boundary.id, 'transaction.invalid', 'a cancel boundary event sits only on a transaction');
    } else if (!boundary.cancelActivity) {
      issues.add(
        boundary.id,
        'transaction.invalid',
        'a cancel boundary event always interrupts its transaction',
      );
    } else {
      // One way out when cancelled: every cancel boundary after the first is reported.
      const cancels = hostActivity.boundaryEventIds.filter((id) => isCancel(elements[id]));
      if (cancels.indexOf(boundary.id) > 0)
        issues.add(
          boundary.id,
          'transaction.invalid',
          `the transaction already has cancel boundary event '${cancels[0]}'`,
        );
    }
    return;
  }
  if (boundary.event.kind !== 'compensate') return;
  if (boundary.outgoing.length > 0) {
    issues.add(
      boundary.id,
      'compensation.invalid',
      'a compensation boundary event has no outgoing flows: it is associated with its handler',
    );
  }
  const handlerId = handlerOf.get(boundary.id);
  if (!handlerId) {
    issues.add(
      boundary.id,
      'compensation.invalid',
      'a compensation boundary event needs an association to a handler marked isForCompensation',
    );
    return;
  }
  if (!hostActivity) return; // reported by the boundary host rule
  const handler = elements[handlerId];
  if (handler && handler.parentId !== hostActivity.parentId) {
    issues.add(
      handlerId,
      'compensation.invalid',
      `the handler and '${hostActivity.id}' are in different scopes`,
    );
  }
  if (hostActivity.compensationHandlerId && hostActivity.compensationHandlerId !== handlerId) {
    issues.add(
      boundary.id,
      'compensation.invalid',
      `'${hostActivity.id}' has a compensation boundary event already`,
    );
    return;
  }
  if (hostActivity.isForCompensation) {
    issues.add(boundary.id, 'compensation.invalid', 'a compensation handler cannot be compensated itself');
  }
  update(hostActivity, { compensationHandlerId: handlerId });
}

function isCancel(element: Element | undefined): boolean {
  return element?.kind === 'bpmn:BoundaryEvent' && element.event.kind === 'cancel';
}

function checkThrow(
  event: EventElement,
  elements: Readonly<Record<string, Element>>,
  issues: IssueCollector,
): void {
  if (event.event.kind === 'cancel') {
    const parent = elements[event.parentId];
    if (!parent || !('boundaryEventIds' in parent) || !parent.transaction) {
      issues.add(event.id, 'transaction.invalid', 'a cancel end event must be inside a transaction');
    } else if (!parent.boundaryEventIds.some((id) => isCancel(elements[id]))) {
      issues.add(
        event.id,
        'transaction.invalid',
        `transaction '${parent.id}' needs a cancel boundary event to leave by when it is cancelled`,
      );
    }
    return;
  }
  // A multiple throw or end event may hold a compensation definition among its others.
  for (const definition of event.multiple ?? [event.event]) {
    if (definition.kind !== 'compensate' || !definition.activityRef) continue;
    const scopeId = compensationScopeOf(event, elements);
    const target = elements[definition.activityRef];
    const compensable =
      target && 'boundaryEventIds' in target && !target.triggeredByEvent && !target.isForCompensation;
    if (!compensable || target.parentId !== scopeId) {
      issues.add(
        event.id,
        'compensation.invalid',
        `activityRef '${definition.activityRef}' names no activity of the scope the event compensates ('${scopeId}')`,
      );
    }
  }
}

/** The scope a compensation throw compensates: its own, or for an event subprocess the scope around it. */
export function compensationScopeOf(event: Element, elements: Readonly<Record<string, Element>>): string {
  const parent = elements[event.parentId];
  if (parent && 'triggeredByEvent' in parent && parent.triggeredByEvent) return parent.parentId;
  return event.parentId;
}
