import { checkAdHocStructure, isInAdHoc } from './compile-adhoc.js';
import { checkInstantiating } from './compile-instantiate.js';
import type { IssueCollector } from './issues.js';
import type { Element, ProcessModel } from './types.js';

/**
 * Graph rules checked on the compiled model: what flows may carry conditions, what may have no
 * incoming flow, what an event-based gateway may lead to, what a boundary event may sit on, and how
 * many start events each scope has. Reports everything it finds. Elements wired to a rejected
 * element (`nextToRejected`) skip the flow-count rules: their flows were dropped with it.
 */
export function validateStructure(
  model: ProcessModel,
  issues: IssueCollector,
  nextToRejected: ReadonlySet<string>,
): void {
  for (const element of Object.values(model.elements)) {
    checkOutgoingFlows(model, element, issues);
    if (!nextToRejected.has(element.id)) checkFlowCounts(element, issues, isInAdHoc(model, element.id));
    if (element.kind === 'bpmn:EventBasedGateway') checkEventGatewayTargets(model, element, issues);
    if (element.kind === 'bpmn:BoundaryEvent') checkBoundaryHost(model, element, issues);
    if (
      element.kind === 'bpmn:IntermediateThrowEvent' &&
      element.event.kind === 'link' &&
      element.event.linkName
    ) {
      if (!model.linkTargets[`${element.parentId}:${element.event.linkName}`]) {
        issues.add(
          element.id,
          'link.invalid',
          `no link catch event named '${element.event.linkName}' in the same scope`,
        );
      }
    }
  }
  checkScopes(model, issues);
  checkAdHocStructure(model, issues);
  checkInstantiating(model, issues);
  checkUnusedLinkCatches(model, issues);
}

/** A link catch event no throw of its name in its scope jumps to never runs: deploy goes on, with a warning. */
function checkUnusedLinkCatches(model: ProcessModel, issues: IssueCollector): void {
  const thrown = new Set<string>();
  for (const element of Object.values(model.elements)) {
    if (element.kind === 'bpmn:IntermediateThrowEvent' && element.event.kind === 'link')
      thrown.add(`${element.parentId}:${element.event.linkName}`);
  }
  for (const [key, catchId] of Object.entries(model.linkTargets)) {
    if (!thrown.has(key))
      issues.warn(
        catchId,
        'link.unused',
        'no link throw event of this name in the same scope, so it never runs',
      );
  }
}

/**
 * Conditions and default flows, as BPMN orders them. Exclusive and inclusive gateways choose: every
 * flow but the default needs a condition. Activities and events split implicitly: each outgoing
 * flow without a condition or with a true one gets a token; an activity's default flow only when no
 * condition holds. An event-based gateway follows the event that happens, never a condition.
 */
function checkOutgoingFlows(model: ProcessModel, element: Element, issues: IssueCollector): void {
  const defaultFlowId = 'defaultFlowId' in element ? element.defaultFlowId : undefined;
  const isChoice =
    element.kind === 'bpmn:ExclusiveGateway' ||
    element.kind === 'bpmn:InclusiveGateway' ||
    element.kind === 'bpmn:ComplexGateway';
  if (defaultFlowId !== undefined) {
    if (!isChoice && !isActivity(element))
      issues.add(
        element.id,
        'flow.default-invalid',
        'only exclusive, inclusive and complex gateways and activities have a default flow',
      );
    else if (!element.outgoing.includes(defaultFlowId)) {
      issues.add(
        element.id,
        'flow.default-invalid',
        `the default flow '${defaultFlowId}' is not an outgoing flow of '${element.id}'`,
      );
    } else if (model.flows[defaultFlowId]?.condition) {
      issues.add(
        defaultFlowId,
        'flow.default-invalid',
        'a default flow is taken when no condition holds, so it cannot have a condition of its own',
      );
    }
  }
  for (const flowId of element.outgoing) {
    const flow = model.flows[flowId];
    if (!flow) continue;
    if (isChoice) {
      if (element.outgoing.length > 1 && !flow.condition && flowId !== defaultFlowId) {
        issues.add(
          flowId,
          'flow.condition-missing',
          `a flow out of '${element.id}' needs a condition unless it is the default flow`,
        );
      }
    } else if (flow.condition && element.kind === 'bpmn:EventBasedGateway') {
      issues.add(
        flowId,
        'flow.condition-unexpected',
        'a flow out of an event-based gateway is taken by the event that happens; it has no condition',
      );
    }
  }
}

function isActivity(element: Element): boolean {
  return 'boundaryEventIds' in element;
}

/** `inAdHoc`: inner elements of an ad-hoc subprocess are activated, so they need no incoming flow. */
function checkFlowCounts(element: Element, issues: IssueCollector, inAdHoc: boolean): void {
  // Compensation handlers have no flows at all (compile-compensation.ts reports any).
  if ('isForCompensation' in element && element.isForCompensation) return;
  const isEventSubProcess = element.kind === 'bpmn:SubProcess' && element.triggeredByEvent === true;
  const startsOnItsOwn =
    element.kind === 'bpmn:StartEvent' ||
    element.kind === 'bpmn:BoundaryEvent' ||
    ('instantiate' in element && element.instantiate === true) ||
    isEventSubProcess ||
    (element.kind === 'bpmn:IntermediateCatchEvent' && element.event.kind === 'link');
  if (startsOnItsOwn && element.incoming.length > 0) {
    issues.add(element.id, 'flow.incoming-invalid', `${describe(element)} cannot have incoming flows`);
  } else if (!startsOnItsOwn && !inAdHoc && element.incoming.length === 0) {
    issues.add(
      element.id,
      'flow.incoming-missing',
      `${describe(element)} has no incoming flow, so it would never run`,
    );
  }
  const endsHere =
    element.kind === 'bpmn:EndEvent' ||
    isEventSubProcess ||
    (element.kind === 'bpmn:IntermediateThrowEvent' && element.event.kind === 'link');
  if (endsHere && element.outgoing.length > 0) {
    issues.add(element.id, 'flow.outgoing-invalid', `${describe(element)} cannot have outgoing flows`);
  }
}

function checkEventGatewayTargets(model: ProcessModel, gateway: Element, issues: IssueCollector): void {
  if (gateway.outgoing.length < 2) {
    issues.add(
      gateway.id,
      'gateway.target-invalid',
      'an event-based gateway needs at least two outgoing flows',
    );
  }
  for (const flowId of gateway.outgoing) {
    const target = model.elements[model.flows[flowId]?.targetId ?? ''];
    if (!target) continue;
    const waits =
      target.kind === 'bpmn:ReceiveTask' ||
      (target.kind === 'bpmn:IntermediateCatchEvent' &&
        ['message', 'timer', 'signal', 'conditional'].includes(target.event.kind));
    if (!waits) {
      issues.add(
        gateway.id,
        'gateway.target-invalid',
        `'${target.id}' after an event-based gateway must be a message, timer, signal or conditional catch event or a receive task`,
      );
    } else if (target.incoming.length > 1) {
      issues.add(
        target.id,
        'gateway.target-invalid',
        'an event after an event-based gateway cannot have other incoming flows',
      );
    }
  }
}

function checkBoundaryHost(
  model: ProcessModel,
  boundary: Element & { kind: 'bpmn:BoundaryEvent' },
  issues: IssueCollector,
): void {
  if (!boundary.attachedToId) return; // reported as a missing reference
  const host = model.elements[boundary.attachedToId];
  if (!host) {
    if (!issues.has(boundary.attachedToId, 'element.unsupported')) {
      issues.add(
        boundary.id,
        'boundary.host-invalid',
        `'${boundary.attachedToId}' is not an activity of this process`,
      );
    }
    return;
  }
  const isActivity = 'boundaryEventIds' in host;
  if (!isActivity || (host.kind === 'bpmn:SubProcess' && host.triggeredByEvent === true)) {
    issues.add(
      boundary.id,
      'boundary.host-invalid',
      `boundary events sit on tasks, subprocesses and call activities, not on '${host.id}'`,
    );
  } else if (host.parentId !== boundary.parentId) {
    issues.add(
      boundary.id,
      'boundary.host-invalid',
      `the boundary event and '${host.id}' are in different scopes`,
    );
  }
}

function checkScopes(model: ProcessModel, issues: IssueCollector): void {
  for (const scope of Object.values(model.scopes)) {
    const owner = model.elements[scope.id];
    const noneStarts = scope.startEventIds.filter((id) => {
      const start = model.elements[id];
      return start && 'event' in start && start.event.kind === 'none';
    });
    if (owner?.kind === 'bpmn:AdHocSubProcess') continue; // no start events: see checkAdHocStructure
    if (!owner) {
      if (scope.startEventIds.length === 0 && !scope.messageStartIds)
        issues.add(scope.id, 'scope.start-invalid', 'the process has no start event');
      if (noneStarts.length > 1)
        issues.add(
          scope.id,
          'scope.start-invalid',
          `the process has ${noneStarts.length} none start events; at most one is allowed`,
        );
    } else if (owner.kind === 'bpmn:SubProcess' && owner.triggeredByEvent === true) {
      if (scope.startEventIds.length !== 1) {
        issues.add(
          scope.id,
          'event-subprocess.start-invalid',
          `an event subprocess needs exactly one start event, it has ${scope.startEventIds.length}`,
        );
      }
    } else if (scope.startEventIds.length !== 1 || noneStarts.length !== 1) {
      issues.add(
        scope.id,
        'scope.start-invalid',
        'an embedded subprocess needs exactly one start event, without an event definition',
      );
    }
  }
}

function describe(element: Element): string {
  const words = element.kind
    .replace(/^bpmn:/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}
