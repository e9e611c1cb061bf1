import { compact, compileElement, type NodeContext } from './compile-element.js';
import type { IssueCollector } from './issues.js';
import { attr, child, children, documentation, expressionBody, type ModdleNode } from './moddle.js';
import type { Element, ElementKind, ProcessModel, ScopeModel, SequenceFlow } from './types.js';
import { ELEMENT_KINDS } from './types.js';
import { compileCompensation } from './compile-compensation.js';
import { resolveEmbeddedForms } from './embedded-forms.js';
import { instantiatingTargets, messageStartIds } from './compile-instantiate.js';
import { validateStructure } from './validate-structure.js';
import { readExecutionListeners } from './compile-listeners.js';
import { checkUnsupportedExtensions } from './zeebe-extensions.js';
import { readCalendarProperty, withCalendar } from '../calendar/property.js';

/**
 * Flow elements that do not change how a process runs and are therefore skipped: data objects and
 * data store references only document what is read or written. Artifacts (text annotations,
 * associations, groups) and diagram interchange never reach `flowElements` at all.
 */
const BEHAVIOUR_NEUTRAL = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

const KINDS: ReadonlySet<string> = new Set(ELEMENT_KINDS);

/** Real processes nest a handful of subprocesses; the limit keeps hostile files from exhausting the stack. */
export const MAX_SUBPROCESS_DEPTH = 64;

interface ScopeDraft {
  readonly id: string;
  readonly kind: NodeContext['parentKind'];
  readonly depth: number;
  /** The lane of the enclosing subprocess, inherited by nodes that no lane lists. */
  readonly laneName: string | undefined;
}

interface CollectedNode {
  readonly node: ModdleNode;
  readonly kind: ElementKind;
  readonly parentId: string;
  readonly parentKind: NodeContext['parentKind'];
  readonly laneName: string | undefined;
}

/** Compiles one executable `bpmn:Process`; problems go to `issues`, the model is built regardless. */
export function compileProcess(
  process: ModdleNode,
  issues: IssueCollector,
  namespaces: ReadonlyMap<string, string>,
): ProcessModel {
  const processId = process.id ?? '';
  checkUnsupportedExtensions(process, namespaces, issues);
  const lanes = laneNames(process);
  const collected: CollectedNode[] = [];
  const rawFlows: ModdleNode[] = [];
  const scopeChildren = new Map<string, string[]>();
  const associations: ModdleNode[] = [];

  const walk = (container: ModdleNode, scope: ScopeDraft) => {
    const childIds: string[] = [];
    scopeChildren.set(scope.id, childIds);
    for (const artifact of children(container, 'artifacts'))
      if (artifact.$type === 'bpmn:Association') associations.push(artifact);
    for (const node of children(container, 'flowElements')) {
      checkUnsupportedExtensions(node, namespaces, issues);
      if (!node.id) {
        issues.add(undefined, 'xml.invalid', `a <${node.$type}> in '${scope.id}' has no id`);
        continue;
      }
      if (node.$type === 'bpmn:SequenceFlow') {
        rawFlows.push(node);
        continue;
      }
      if (BEHAVIOUR_NEUTRAL.has(node.$type)) continue;
      // A transaction runs as an embedded subprocess; compile-compensation.ts marks it.
      const type = node.$type === 'bpmn:Transaction' ? 'bpmn:SubProcess' : node.$type;
      if (!KINDS.has(type)) {
        issues.add(node.id, 'element.unsupported', `${kindLabel(node.$type)} is not supported`);
        continue;
      }
      const laneName = lanes.get(node.id) ?? scope.laneName;
      const kind = type as ElementKind;
      collected.push({ node, kind, parentId: scope.id, parentKind: scope.kind, laneName });
      childIds.push(node.id);
      if (kind !== 'bpmn:SubProcess' && kind !== 'bpmn:AdHocSubProcess') continue;
      if (scope.depth >= MAX_SUBPROCESS_DEPTH) {
        issues.add(
          node.id,
          'scope.depth-exceeded',
          `subprocesses nest deeper than ${MAX_SUBPROCESS_DEPTH} levels`,
        );
        continue;
      }
      const subKind =
        kind === 'bpmn:AdHocSubProcess'
          ? 'adHocSubProcess'
          : node.triggeredByEvent === true
            ? 'eventSubProcess'
            : 'subProcess';
      walk(node, { id: node.id, kind: subKind, depth: scope.depth + 1, laneName });
    }
  };
  walk(process, { id: processId, kind: 'process', depth: 0, laneName: undefined });

  const parentOf = new Map(collected.map((entry) => [entry.node.id ?? '', entry.parentId]));
  const nextToRejected = new Set<string>();
  const parallelGateways = new Set(
    collected.filter((entry) => entry.kind === 'bpmn:ParallelGateway').map((entry) => entry.node.id ?? ''),
  );
  const flows = compileFlows(rawFlows, parentOf, parallelGateways, nextToRejected, issues);
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  for (const flow of Object.values(flows)) {
    push(outgoing, flow.sourceId, flow.id);
    push(incoming, flow.targetId, flow.id);
  }
  const boundaries = new Map<string, string[]>();
  for (const { node, kind } of collected) {
    const hostId = child(node, 'attachedToRef')?.id;
    if (kind === 'bpmn:BoundaryEvent' && hostId) push(boundaries, hostId, node.id ?? '');
  }

  const startTargets = instantiatingTargets(
    new Set(
      collected
        .filter((entry) => entry.kind === 'bpmn:EventBasedGateway' && entry.node.instantiate === true)
        .map((entry) => entry.node.id ?? ''),
    ),
    flows,
  );
  const elements: Record<string, Element> = {};
  for (const { node, kind, parentId, parentKind, laneName } of collected) {
    const id = node.id ?? '';
    elements[id] = compiledWithCalendar(node, kind, {
      parentId,
      parentKind,
      incoming: incoming.get(id) ?? [],
      outgoing: outgoing.get(id) ?? [],
      boundaryEventIds: boundaries.get(id) ?? [],
      laneName,
      issues,
      ...(startTargets.has(id) ? { startsProcess: true } : {}),
    });
  }

  compileCompensation(
    elements,
    collected.map((entry) => entry.node),
    associations,
    issues,
  );

  const userTasks = collected.filter((entry) => entry.kind === 'bpmn:UserTask').map((entry) => entry.node);
  const embeddedForms = resolveEmbeddedForms(process, userTasks, elements, issues);
  const model: ProcessModel = compact({
    id: processId,
    name: attr(process, 'name')?.trim() || undefined,
    documentation: documentation(process),
    elements,
    flows,
    scopes: buildScopes(scopeChildren, elements, flows, processId),
    linkTargets: buildLinkTargets(elements, issues),
    formIds: collectFormIds(elements),
    embeddedForms: embeddedForms.length > 0 ? embeddedForms : undefined,
    calendar: readCalendarProperty(process, issues),
    executionListeners: readExecutionListeners(process, 'bpmn:Process', issues),
  });
  validateStructure(model, issues, nextToRejected);
  return model;
}

function compileFlows(
  rawFlows: readonly ModdleNode[],
  parentOf: ReadonlyMap<string, string>,
  parallelGateways: ReadonlySet<string>,
  nextToRejected: Set<string>,
  issues: IssueCollector,
): Record<string, SequenceFlow> {
  const flows: Record<string, SequenceFlow> = {};
  for (const node of rawFlows) {
    const id = node.id ?? '';
    const sourceId = child(node, 'sourceRef')?.id;
    const targetId = child(node, 'targetRef')?.id;
    if (!sourceId || !targetId) {
      if (!issues.has(id, 'reference.missing'))
        issues.add(id, 'reference.missing', `the flow has no ${sourceId ? 'target' : 'source'}`);
      continue;
    }
    // A flow touching a rejected element is reported on that element; its other end is not judged
    // for missing flows.
    if (!parentOf.has(sourceId) || !parentOf.has(targetId)) {
      nextToRejected.add(sourceId).add(targetId);
      continue;
    }
    if (parentOf.get(sourceId) !== parentOf.get(targetId)) {
      issues.add(
        id,
        'flow.scope-invalid',
        `the flow crosses a subprocess boundary from '${sourceId}' to '${targetId}'`,
      );
      continue;
    }
    let body = expressionBody(node, 'conditionExpression');
    if (body?.trim() && parallelGateways.has(sourceId)) {
      // A parallel gateway takes every outgoing flow: Camunda 7 and other engines ignore such a
      // condition, so the engine does too, and says so.
      issues.warn(
        id,
        'flow.condition-ignored',
        `the condition on a flow out of parallel gateway '${sourceId}' is ignored: every flow is taken`,
      );
      body = undefined;
    }
    flows[id] = compact({
      id,
      name: attr(node, 'name')?.trim() || undefined,
      sourceId,
      targetId,
      condition: body?.trim() ? issues.feel(id, 'condition', body) : undefined,
    });
  }
  return flows;
}

function buildScopes(
  scopeChildren: ReadonlyMap<string, readonly string[]>,
  elements: Readonly<Record<string, Element>>,
  flows: Readonly<Record<string, SequenceFlow>>,
  processId: string,
): Record<string, ScopeModel> {
  const scopes: Record<string, ScopeModel> = {};
  for (const [id, childIds] of scopeChildren) {
    const startEventIds = childIds.filter((childId) => elements[childId]?.kind === 'bpmn:StartEvent');
    const noneStartEventId = startEventIds.find((startId) => {
      const start = elements[startId];
      return start && 'event' in start && start.event.kind === 'none';
    });
    const eventSubProcessIds = childIds.filter((childId) => {
      const element = elements[childId];
      return (
        element?.kind === 'bpmn:SubProcess' &&
        'triggeredByEvent' in element &&
        element.triggeredByEvent === true
      );
    });
    const messageStarts = id === processId ? messageStartIds(childIds, elements, flows) : [];
    scopes[id] = compact({
      id,
      childIds,
      noneStartEventId,
      startEventIds,
      eventSubProcessIds,
      messageStartIds: messageStarts.length > 0 ? messageStarts : undefined,
    });
  }
  return scopes;
}

function buildLinkTargets(
  elements: Readonly<Record<string, Element>>,
  issues: IssueCollector,
): Record<string, string> {
  const targets: Record<string, string> = {};
  for (const element of Object.values(elements)) {
    if (
      element.kind !== 'bpmn:IntermediateCatchEvent' ||
      element.event.kind !== 'link' ||
      !element.event.linkName
    )
      continue;
    const key = `${element.parentId}:${element.event.linkName}`;
    const existing = targets[key];
    if (existing)
      issues.add(
        element.id,
        'link.invalid',
        `the link name '${element.event.linkName}' is also caught by '${existing}'`,
      );
    else targets[key] = element.id;
  }
  return targets;
}

function collectFormIds(elements: Readonly<Record<string, Element>>): string[] {
  const formIds = new Set<string>();
  for (const element of Object.values(elements)) {
    if ('userTask' in element && element.userTask?.formId) formIds.add(element.userTask.formId);
    if (element.kind === 'bpmn:StartEvent' && element.formId) formIds.add(element.formId);
  }
  return [...formIds];
}

/** Lane name per flow node id; a nested lane's name wins over its parent's. */
function laneNames(process: ModdleNode): Map<string, string> {
  const names = new Map<string, string>();
  const visit = (laneSet: ModdleNode | undefined) => {
    for (const lane of children(laneSet, 'lanes')) {
      const name = attr(lane, 'name')?.trim();
      if (name) for (const node of children(lane, 'flowNodeRef')) if (node.id) names.set(node.id, name);
      visit(child(lane, 'childLaneSet'));
    }
  };
  for (const laneSet of children(process, 'laneSets')) visit(laneSet);
  return names;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `bpmn:BusinessRuleTask` -> 'a business rule task (bpmn:BusinessRuleTask)'. */
function kindLabel(type: string): string {
  const words = type
    .replace(/^\w+:/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words} (${type})`;
}

/** An element with its `baton:calendar` (working hours, docs/TEAMS.md). */
function compiledWithCalendar(node: ModdleNode, kind: ElementKind, context: NodeContext): Element {
  return withCalendar(compileElement(node, kind, context), node, context.issues);
}
