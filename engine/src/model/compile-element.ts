import { compileAdHoc } from './compile-adhoc.js';
import { readExecutionListeners } from './compile-listeners.js';
import { compileBusinessRuleTask } from './compile-business-rule-task.js';
import { checkParallelStart } from './compile-parallel-start.js';
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
  readJobTask,
  readIoMapping,
  readTaskDefinition,
  readUserTask,
} from './zeebe-extensions.js';
import { ASSIGNMENT_HEADER, parseAssignmentStrategy } from '../teams/strategy.js';

/** What the compiler knows about a node's surroundings when it compiles it. */
export interface NodeContext {
  readonly parentId: string;
  readonly parentKind: 'process' | 'subProcess' | 'eventSubProcess' | 'adHocSubProcess';
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  readonly boundaryEventIds: readonly string[];
  readonly laneName?: string;
  readonly issues: IssueCollector;
  /** A catch event or receive task after an instantiating event-based gateway: its message starts the process. */
  readonly startsProcess?: boolean;
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
    executionListeners: readExecutionListeners(node, kind, issues),
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
    case 'bpmn:ComplexGateway':
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
  const position = context.startsProcess ? 'processStart' : eventPosition(base.kind, context.parentKind);
  const isThrow = base.kind === 'bpmn:EndEvent' || base.kind === 'bpmn:IntermediateThrowEvent';
  const job = isThrow ? readTaskDefinition(node, issues, false) : undefined;
  const { event, multiple, parallelMultiple } = compileEventDefinition(node, position, issues, {
    runsAsJob: job !== undefined,
  });
  if (
    isThrow &&
    !job &&
    (multiple ?? [event]).some((definition) => definition.kind === 'message') &&
    !issues.has(base.id, 'message.name-missing')
  ) {
    issues.warn(
      base.id,
      'message.not-sent',
      'a message throw or end event without a job type (zeebe:taskDefinition) sends nothing and passes through; give it a job type for a worker to send the message',
    );
  }
  if (position === 'processStart' && parallelMultiple && multiple)
    checkParallelStart(base.id, multiple, issues);
  const isStart = base.kind === 'bpmn:StartEvent';
  const interrupting = isStart ? node.isInterrupting !== false : true;
  if (event.kind === 'error' && !interrupting) {
    issues.add(base.id, 'event.invalid', 'an error start event always interrupts its scope');
  }
  return compact({
    ...base,
    event,
    multiple,
    parallelMultiple,
    interrupting,
    jobType: job?.jobType,
    jobRetries: job?.jobRetries,
    headers: job ? readHeaders(node) : undefined,
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
  const { event, multiple, parallelMultiple } = compileEventDefinition(node, 'boundary', issues);
  const cancelActivity = node.cancelActivity !== false;
  if (event.kind === 'error' && !cancelActivity) {
    issues.add(base.id, 'event.invalid', 'an error boundary event always interrupts its activity');
  }
  const host = child(node, 'attachedToRef');
  if (!host && !issues.has(base.id, 'reference.missing'))
    issues.add(base.id, 'reference.missing', 'a boundary event must be attached to an activity');
  return compact({
    ...base,
    event,
    multiple,
    parallelMultiple,
    attachedToId: host?.id ?? '',
    cancelActivity,
  });
}

function compileGateway(
  node: ModdleNode,
  base: ElementBase & { kind: GatewayElement['kind'] },
  issues: IssueCollector,
): GatewayElement {
  // An instantiating event-based gateway (BPMN, exclusive): the first message of the events after
  // it starts an instance (see compile-instantiate.ts).
  const instantiate =
    base.kind === 'bpmn:EventBasedGateway' && node.instantiate === true ? (true as const) : undefined;
  if (base.kind === 'bpmn:EventBasedGateway' && node.eventGatewayType === 'Parallel') {
    issues.add(
      base.id,
      'element.unsupported',
      "parallel event-based gateways (eventGatewayType='Parallel') are not supported; wait for the events on branches after a parallel gateway instead",
    );
  }
  const gateway = { ...base, defaultFlowId: child(node, 'default')?.id, instantiate };
  if (base.kind !== 'bpmn:ComplexGateway') return compact(gateway);
  const body = expressionBody(node, 'activationCondition');
  const activationCondition = body?.trim() ? issues.feel(base.id, 'activation condition', body) : undefined;
  if (!activationCondition && base.incoming.length > 1) {
    issues.add(
      base.id,
      'gateway.activation-missing',
      'a complex gateway that joins needs an activation condition (say when the waiting tokens may go on, e.g. =activationCount >= 2)',
    );
  }
  return compact({ ...gateway, activationCondition });
}

function compileActivity(
  node: ModdleNode,
  base: ElementBase & { kind: ActivityElement['kind'] },
  context: NodeContext,
): ActivityElement {
  const { issues } = context;
  const id = base.id;
  checkQuantities(id, node, issues);
  const activity = {
    ...base,
    boundaryEventIds: context.boundaryEventIds,
    loop: compileLoop(node, issues),
    defaultFlowId: child(node, 'default')?.id,
  };
  switch (base.kind) {
    case 'bpmn:UserTask': {
      // Task headers of a user task carry `baton:assignment` (docs/TEAMS.md); checked at deploy.
      const headers = readHeaders(node);
      const strategy = headers?.[ASSIGNMENT_HEADER];
      const parsed = strategy === undefined ? undefined : parseAssignmentStrategy(strategy);
      if (parsed && 'error' in parsed) issues.add(id, 'task.assignment-invalid', parsed.error);
      return compact({
        ...activity,
        userTask: compact(readUserTask(node, context.laneName, issues)),
        headers,
      });
    }
    case 'bpmn:ServiceTask':
    case 'bpmn:SendTask': {
      return compact({ ...activity, ...readJobTask(node, issues) });
    }
    case 'bpmn:ScriptTask': {
      // As Zeebe: a FEEL expression (zeebe:script) evaluated in the step, or a job for a worker
      // (zeebe:taskDefinition), like a service task. Not both.
      const script = extension(node, 'zeebe:Script');
      const hasJob = extension(node, 'zeebe:TaskDefinition') !== undefined;
      if (script && hasJob) {
        issues.add(
          id,
          'script.missing',
          'has both a FEEL script (zeebe:script) and a job type (zeebe:taskDefinition); keep one',
        );
        return compact(activity);
      }
      if (hasJob) {
        return compact({ ...activity, ...readJobTask(node, issues) });
      }
      const expression = attr(script, 'expression');
      if (!expression?.trim()) {
        issues.add(
          id,
          'script.missing',
          'needs a FEEL expression (zeebe:script) or a job type for a worker (zeebe:taskDefinition)',
        );
        return compact(activity);
      }
      const resultVariable = attr(script, 'resultVariable')?.trim() || undefined;
      return compact({
        ...activity,
        script: compact({ expression: issues.feel(id, 'script', expression), resultVariable }),
      });
    }
    case 'bpmn:BusinessRuleTask':
      return compileBusinessRuleTask(node, activity, issues);
    case 'bpmn:ReceiveTask': {
      // An instantiating receive task starts the process on its message, as a message start event
      // does, so its message needs no correlation key.
      const instantiate = node.instantiate === true ? (true as const) : undefined;
      const { messageName, correlationKey } = compileMessage(
        id,
        child(node, 'messageRef'),
        instantiate || context.startsProcess ? 'processStart' : 'receiveTask',
        issues,
      );
      return compact({ ...activity, instantiate, message: compact({ messageName, correlationKey }) });
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
    case 'bpmn:AdHocSubProcess':
      return compact(compileAdHoc(node, activity, issues));
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
    if (maximum !== undefined && !(Number.isInteger(maximum) && maximum >= 1)) {
      issues.add(id, 'loop.invalid', `loopMaximum '${maximum}' must be a whole number of at least 1`);
    }
    if (!condition && maximum === undefined)
      issues.add(id, 'loop.invalid', 'a standard loop needs a loop condition or a maximum');
    return compact({
      kind: 'standardLoop' as const,
      condition,
      testBefore: loop.testBefore === true,
      maximum,
    });
  }
  checkMultiInstanceBehavior(id, loop, issues);
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

/**
 * BPMN's `behavior` (None/One/All/Complex) says when an iteration throws its completion event;
 * Zeebe implements only the default ("All": no event), and so does the engine. A loop cardinality
 * would run a number of iterations instead of one per input item: not supported either.
 */
function checkMultiInstanceBehavior(id: string, loop: ModdleNode, issues: IssueCollector): void {
  const behavior = typeof loop.behavior === 'string' ? loop.behavior : 'All';
  const eventRefs = ['oneBehaviorEventRef', 'noneBehaviorEventRef'].filter((key) => child(loop, key));
  if (
    behavior !== 'All' ||
    eventRefs.length > 0 ||
    (Array.isArray(loop.complexBehaviorDefinition) && loop.complexBehaviorDefinition.length > 0)
  ) {
    issues.add(
      id,
      'loop.invalid',
      `multi-instance behavior '${behavior}' (events thrown per iteration) is not supported; only the default 'All'`,
    );
  }
  if (child(loop, 'loopCardinality')) {
    issues.add(
      id,
      'loop.invalid',
      'loopCardinality is not supported: the number of iterations is the size of the input collection',
    );
  }
}

/**
 * `startQuantity` / `completionQuantity` (BPMN default 1): how many tokens an activity needs to
 * start and sends on completion. Only 1 is executed; 0 is invalid in BPMN itself.
 */
function checkQuantities(id: string, node: ModdleNode, issues: IssueCollector): void {
  for (const key of ['startQuantity', 'completionQuantity'] as const) {
    const value = node[key];
    if (value === undefined || value === 1) continue;
    const raw = String(value);
    issues.add(
      id,
      'element.unsupported',
      typeof value === 'number' && Number.isInteger(value) && value > 1
        ? `${key}="${raw}" is not supported: an activity starts on one token and sends one on`
        : `${key}="${raw}" is invalid: it must be a whole number of at least 1`,
    );
  }
}

/** Drops undefined fields, so the compiled model holds only what the file says. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
