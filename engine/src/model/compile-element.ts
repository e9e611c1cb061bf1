import { type EventPosition, compileEventDefinition, compileMessage } from './compile-event.js';
import type { IssueCollector } from './issues.js';
import { attr, child, documentation, expressionBody, extension, type ModdleNode } from './moddle.js';
import type {
  ActivityElement,
  BoundaryEventElement,
  Element,
  ElementBase,
  ElementKind,
  EventElement,
  GatewayElement,
  MultiInstance,
  StandardLoop,
} from './types.js';
import {
  readFormId,
  readHeaders,
  readIoMapping,
  readTaskDefinition,
  readUserTask,
} from './zeebe-extensions.js';

/** What the compiler knows about a node's surroundings when it compiles it. */
export interface NodeContext {
  readonly parentId: string;
  readonly parentKind: 'process' | 'subProcess' | 'eventSubProcess';
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  readonly boundaryEventIds: readonly string[];
  readonly laneName?: string;
  readonly issues: IssueCollector;
}

/** Compiles one flow node of a kind the engine executes. */
export function compileElement(node: ModdleNode, kind: ElementKind, context: NodeContext): Element {
  const { issues } = context;
  const base: ElementBase = compact({
    id: node.id ?? '',
    kind,
    name: attr(node, 'name')?.trim() || undefined,
    documentation: documentation(node),
    parentId: context.parentId,
    incoming: context.incoming,
    outgoing: context.outgoing,
    ioMapping: readIoMapping(node, issues),
  });
  switch (kind) {
    case 'bpmn:StartEvent':
    case 'bpmn:EndEvent':
    case 'bpmn:IntermediateCatchEvent':
    case 'bpmn:IntermediateThrowEvent':
      return compileEvent(node, { ...base, kind }, context);
    case 'bpmn:BoundaryEvent':
      return compileBoundaryEvent(node, { ...base, kind }, issues);
    case 'bpmn:ExclusiveGateway':
    case 'bpmn:ParallelGateway':
    case 'bpmn:InclusiveGateway':
    case 'bpmn:EventBasedGateway':
      return compileGateway(node, { ...base, kind }, issues);
    default:
      return compileActivity(node, { ...base, kind }, context);
  }
}

function compileEvent(
  node: ModdleNode,
  base: ElementBase & { kind: EventElement['kind'] },
  context: NodeContext,
): EventElement {
  const { issues } = context;
  const position = eventPosition(base.kind, context.parentKind);
  const event = compileEventDefinition(node, position, issues);
  const isThrow = base.kind === 'bpmn:EndEvent' || base.kind === 'bpmn:IntermediateThrowEvent';
  const job = isThrow ? readTaskDefinition(node, issues, false) : undefined;
  const isStart = base.kind === 'bpmn:StartEvent';
  const interrupting = isStart ? node.isInterrupting !== false : true;
  if (event.kind === 'error' && !interrupting) {
    issues.add(base.id, 'event.invalid', 'an error start event always interrupts its scope');
  }
  return compact({
    ...base,
    event,
    interrupting,
    jobType: job?.jobType,
    jobRetries: job?.jobRetries,
    formId: isStart ? readFormId(node, issues) : undefined,
  });
}

function eventPosition(kind: EventElement['kind'], parentKind: NodeContext['parentKind']): EventPosition {
  if (kind === 'bpmn:EndEvent') return 'end';
  if (kind === 'bpmn:IntermediateCatchEvent') return 'catch';
  if (kind === 'bpmn:IntermediateThrowEvent') return 'throw';
  if (parentKind === 'process') return 'processStart';
  return parentKind === 'eventSubProcess' ? 'eventSubProcessStart' : 'subProcessStart';
}

function compileBoundaryEvent(
  node: ModdleNode,
  base: ElementBase & { kind: 'bpmn:BoundaryEvent' },
  issues: IssueCollector,
): BoundaryEventElement {
  const event = compileEventDefinition(node, 'boundary', issues);
  const cancelActivity = node.cancelActivity !== false;
  if (event.kind === 'error' && !cancelActivity) {
    issues.add(base.id, 'event.invalid', 'an error boundary event always interrupts its activity');
  }
  const host = child(node, 'attachedToRef');
  if (!host && !issues.has(base.id, 'reference.missing'))
    issues.add(base.id, 'reference.missing', 'a boundary event must be attached to an activity');
  return { ...base, event, attachedToId: host?.id ?? '', cancelActivity };
}

function compileGateway(
  node: ModdleNode,
  base: ElementBase & { kind: GatewayElement['kind'] },
  issues: IssueCollector,
): GatewayElement {
  if (
    base.kind === 'bpmn:EventBasedGateway' &&
    (node.instantiate === true || node.eventGatewayType === 'Parallel')
  ) {
    issues.add(
      base.id,
      'element.unsupported',
      'instantiating and parallel event-based gateways are not supported',
    );
  }
  return compact({ ...base, defaultFlowId: child(node, 'default')?.id });
}

function compileActivity(
  node: ModdleNode,
  base: ElementBase & { kind: ActivityElement['kind'] },
  context: NodeContext,
): ActivityElement {
  const { issues } = context;
  const id = base.id;
  const activity = {
    ...base,
    boundaryEventIds: context.boundaryEventIds,
    loop: compileLoop(node, issues),
    defaultFlowId: child(node, 'default')?.id,
  };
  switch (base.kind) {
    case 'bpmn:UserTask':
      return compact({ ...activity, userTask: compact(readUserTask(node, context.laneName, issues)) });
    case 'bpmn:ServiceTask':
    case 'bpmn:SendTask': {
      const job = readTaskDefinition(node, issues, true);
      return compact({
        ...activity,
        jobType: job?.jobType,
        jobRetries: job?.jobRetries,
        headers: readHeaders(node),
      });
    }
    case 'bpmn:ScriptTask': {
      const script = extension(node, 'zeebe:Script');
      const expression = attr(script, 'expression');
      if (!expression?.trim()) {
        issues.add(
          id,
          'script.missing',
          'needs a FEEL expression (zeebe:script); scripts run by job workers are not supported',
        );
        return compact(activity);
      }
      const resultVariable = attr(script, 'resultVariable')?.trim() || undefined;
      return compact({
        ...activity,
        script: compact({ expression: issues.feel(id, 'script', expression), resultVariable }),
      });
    }
    case 'bpmn:ReceiveTask': {
      if (node.instantiate === true)
        issues.add(
          id,
          'element.unsupported',
          'instantiating receive tasks are not supported; use a message start event',
        );
      const { messageName, correlationKey } = compileMessage(
        id,
        child(node, 'messageRef'),
        'receiveTask',
        issues,
      );
      return compact({ ...activity, message: compact({ messageName, correlationKey }) });
    }
    case 'bpmn:CallActivity': {
      const called = extension(node, 'zeebe:CalledElement');
      const processId = attr(called, 'processId');
      if (!processId?.trim())
        issues.add(
          id,
          'call.process-missing',
          'needs the id of the process to call (zeebe:calledElement processId)',
        );
      return compact({
        ...activity,
        calledElement: {
          processId: issues.expr(id, 'called process id', processId ?? ''),
          // Zeebe's defaults: both directions propagate unless switched off.
          propagateAllChildVariables: called?.propagateAllChildVariables !== false,
          propagateAllParentVariables: called?.propagateAllParentVariables !== false,
        },
      });
    }
    case 'bpmn:SubProcess':
      return compact({ ...activity, triggeredByEvent: node.triggeredByEvent === true ? true : undefined });
    default:
      return compact(activity);
  }
}

function compileLoop(node: ModdleNode, issues: IssueCollector): MultiInstance | StandardLoop | undefined {
  const id = node.id ?? '';
  const loop = child(node, 'loopCharacteristics');
  if (!loop) return undefined;
  if (loop.$type === 'bpmn:StandardLoopCharacteristics') {
    const body = expressionBody(loop, 'loopCondition');
    const condition = body?.trim() ? issues.feel(id, 'loop condition', body) : undefined;
    const maximum = typeof loop.loopMaximum === 'number' ? loop.loopMaximum : undefined;
    if (!condition && maximum === undefined)
      issues.add(id, 'loop.invalid', 'a standard loop needs a loop condition or a maximum');
    return compact({
      kind: 'standardLoop' as const,
      condition,
      testBefore: loop.testBefore === true,
      maximum,
    });
  }
  const zeebe = extension(loop, 'zeebe:LoopCharacteristics');
  const inputCollection = attr(zeebe, 'inputCollection');
  if (!inputCollection?.trim()) {
    issues.add(
      id,
      'loop.invalid',
      'multi-instance needs an input collection (zeebe:loopCharacteristics inputCollection)',
    );
  }
  const outputCollection = attr(zeebe, 'outputCollection')?.trim() || undefined;
  const outputElement = issues.optionalExpr(id, 'output element', attr(zeebe, 'outputElement'));
  if (!outputCollection !== !outputElement) {
    issues.add(id, 'loop.invalid', 'multi-instance output collection and output element go together');
  }
  const completion = expressionBody(loop, 'completionCondition');
  return compact({
    kind: 'multiInstance' as const,
    sequential: loop.isSequential === true,
    inputCollection: issues.expr(id, 'input collection', inputCollection ?? ''),
    inputElement: attr(zeebe, 'inputElement')?.trim() || undefined,
    outputCollection,
    outputElement,
    completionCondition: completion?.trim() ? issues.feel(id, 'completion condition', completion) : undefined,
  });
}

/** Drops undefined fields, so the compiled model holds only what the file says. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
