import { parseTimerValue, type TimerType } from '../expressions/timer.js';
import { compileConditional } from './compile-conditional.js';
import type { DeployIssueCode, IssueCollector } from './issues.js';
import { attr, child, children, expressionBody, extension, type ModdleNode } from './moddle.js';
import type { EventDefinition, TimerDefinition } from './types.js';

/** Where an event sits: it decides which event definitions are allowed and whether messages need a key. */
export type EventPosition =
  | 'processStart'
  | 'subProcessStart'
  | 'eventSubProcessStart'
  | 'end'
  | 'catch'
  | 'throw'
  | 'boundary';

type EventKind = EventDefinition['kind'];

const ALLOWED: Readonly<Record<EventPosition, readonly EventKind[]>> = {
  processStart: ['none', 'message', 'timer', 'signal', 'conditional'],
  subProcessStart: ['none'],
  eventSubProcessStart: ['message', 'timer', 'signal', 'error', 'escalation', 'compensate', 'conditional'],
  end: ['none', 'terminate', 'error', 'escalation', 'message', 'signal', 'compensate', 'cancel'],
  catch: ['timer', 'message', 'signal', 'link', 'conditional'],
  throw: ['none', 'signal', 'escalation', 'link', 'message', 'compensate'],
  boundary: ['timer', 'message', 'signal', 'error', 'escalation', 'compensate', 'cancel', 'conditional'],
};

const DEFINITION_KINDS: Readonly<Record<string, EventKind>> = {
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:TerminateEventDefinition': 'terminate',
  'bpmn:LinkEventDefinition': 'link',
  'bpmn:CompensateEventDefinition': 'compensate',
  'bpmn:CancelEventDefinition': 'cancel',
  'bpmn:ConditionalEventDefinition': 'conditional',
};

const POSITION_NAMES: Readonly<Record<EventPosition, string>> = {
  processStart: 'a process start event',
  subProcessStart: 'the start event of an embedded subprocess',
  eventSubProcessStart: 'the start event of an event subprocess',
  end: 'an end event',
  catch: 'an intermediate catch event',
  throw: 'an intermediate throw event',
  boundary: 'a boundary event',
};

/**
 * Compiles the event definition of an event at `position`; problems go to `issues`. A definition
 * may sit inline or be referenced (`eventDefinitionRef` to a top-level definition): both count.
 * `runsAsJob`: a message throw or end event with a job type is Zeebe's job-backed form, where the
 * worker sends the message, so the message needs no name here.
 */
export function compileEventDefinition(
  node: ModdleNode,
  position: EventPosition,
  issues: IssueCollector,
  options: { readonly runsAsJob?: boolean } = {},
): CompiledEvent {
  const id = node.id ?? '';
  const definitions = [...children(node, 'eventDefinitions'), ...children(node, 'eventDefinitionRef')];
  if (definitions.length <= 1) return { event: compileOne(id, definitions[0], position, issues, options) };
  const multiple = definitions.map((definition) => compileOne(id, definition, position, issues, options));
  checkMultiple(node, position, multiple, issues, options.runsAsJob === true);
  const parallelMultiple = node.parallelMultiple === true ? { parallelMultiple: true as const } : {};
  return { event: multiple[0] as EventDefinition, multiple, ...parallelMultiple };
}

/** An event's definition; a multiple event (several definitions, any one triggers it) lists them all. */
export interface CompiledEvent {
  readonly event: EventDefinition;
  readonly multiple?: readonly EventDefinition[];
  /** `parallelMultiple="true"`: every one of the definitions must happen (see runtime/parallel-multiple.ts). */
  readonly parallelMultiple?: true;
}

const MULTIPLE_KINDS: readonly EventKind[] = ['message', 'timer', 'signal'];
/**
 * What a multiple throw event throws, each in document order (a message: its job, or nothing; a
 * compensation: its handlers, waited for before the rest is thrown).
 */
const THROW_KINDS: readonly EventKind[] = ['message', 'signal', 'escalation', 'compensate'];
/** A multiple end event also ends with an error or terminates; whatever follows is not thrown. */
const END_KINDS: readonly EventKind[] = [...THROW_KINDS, 'error', 'terminate'];

/**
 * Multiple events (BPMN 2.0 10.5; Zeebe runs none): intermediate catch, boundary, process start
 * and event subprocess start events wait for the first of their messages, timers, signals and
 * conditions (a parallel multiple one for all of them; at a process start, start-gathering.ts).
 * Conditions are evaluated by runtime/conditions.ts, at a process start on request
 * (conditional-start.ts). Throw and end events throw every definition in document order.
 * Everything else is refused with the element id.
 */
function checkMultiple(
  node: ModdleNode,
  position: EventPosition,
  definitions: readonly EventDefinition[],
  issues: IssueCollector,
  runsAsJob: boolean,
): void {
  const id = node.id ?? '';
  if (
    node.parallelMultiple === true &&
    position !== 'catch' &&
    position !== 'boundary' &&
    position !== 'eventSubProcessStart' &&
    position !== 'processStart'
  ) {
    issues.add(
      id,
      'element.unsupported',
      `parallel multiple events (every trigger needed) are not supported as ${POSITION_NAMES[position]}; only process start, event subprocess start, intermediate catch and boundary events`,
    );
    return;
  }
  if (position === 'throw' || position === 'end') {
    checkMultipleThrow(id, position, definitions, issues, runsAsJob);
    return;
  }
  if (position === 'subProcessStart') {
    issues.add(
      id,
      'element.unsupported',
      `multiple events (several event definitions) are not supported as ${POSITION_NAMES[position]}; only process start, event subprocess start, intermediate catch and boundary events take several`,
    );
    return;
  }
  const other = definitions.find(
    (definition) => !MULTIPLE_KINDS.includes(definition.kind) && definition.kind !== 'conditional',
  );
  if (other) {
    issues.add(
      id,
      'element.unsupported',
      `a multiple event waits for messages, timers, signals and conditions; a ${other.kind} definition cannot be one of them`,
    );
  }
}

/** A multiple throw or end event: what it may throw, and a job type only for its messages. */
function checkMultipleThrow(
  id: string,
  position: 'throw' | 'end',
  definitions: readonly EventDefinition[],
  issues: IssueCollector,
  runsAsJob: boolean,
): void {
  const kinds = position === 'end' ? END_KINDS : THROW_KINDS;
  const other = definitions.find((definition) => !kinds.includes(definition.kind));
  if (other?.kind === 'link') {
    issues.add(
      id,
      'element.unsupported',
      'a link definition cannot be one of several event definitions: BPMN allows link events only with a single definition',
    );
    return;
  }
  if (other?.kind === 'cancel') {
    issues.add(
      id,
      'element.unsupported',
      "a multiple throw or end event cannot throw a cancel definition: a cancel is the single definition of a transaction's cancel end event",
    );
    return;
  }
  if (other) {
    issues.add(
      id,
      'element.unsupported',
      position === 'end'
        ? `a multiple end event throws messages, signals, escalations, compensation, an error or a terminate; a ${other.kind} definition cannot be one of them`
        : `a multiple throw event throws messages, signals, escalations and compensation; a ${other.kind} definition cannot be one of them`,
    );
    return;
  }
  if (runsAsJob && !definitions.some((definition) => definition.kind === 'message'))
    issues.add(
      id,
      'element.unsupported',
      'a multiple throw or end event runs a job (zeebe:taskDefinition) only for its message definitions, and it has none',
    );
}

function compileOne(
  id: string,
  definition: ModdleNode | undefined,
  position: EventPosition,
  issues: IssueCollector,
  options: { readonly runsAsJob?: boolean },
): EventDefinition {
  const kind: EventKind | undefined = definition ? DEFINITION_KINDS[definition.$type] : 'none';
  if (!definition || !kind) {
    if (definition)
      issues.add(id, 'element.unsupported', `${label(definition.$type)} events are not supported`);
    else if (!ALLOWED[position].includes('none'))
      issues.add(id, positionCode(position), `${POSITION_NAMES[position]} needs an event definition`);
    return { kind: 'none' };
  }
  if (!ALLOWED[position].includes(kind)) {
    issues.add(id, positionCode(position), `${kind} events cannot be ${POSITION_NAMES[position]}`);
  }
  switch (kind) {
    case 'none':
    case 'terminate':
    case 'cancel':
      return { kind };
    case 'compensate': {
      // Zeebe always waits for the handlers before the throw event completes.
      if (definition.waitForCompletion === false && position !== 'boundary')
        issues.warn(
          id,
          'compensation.wait-ignored',
          'waitForCompletion="false" is ignored: the throw event waits until every handler completes, as in Zeebe',
        );
      const activityRef = child(definition, 'activityRef')?.id;
      return activityRef && position !== 'boundary' ? { kind, activityRef } : { kind };
    }
    case 'message':
      if (options.runsAsJob && !attr(child(definition, 'messageRef'), 'name')?.trim())
        return { kind, messageName: { feel: false, value: '' } };
      return compileMessage(id, child(definition, 'messageRef'), position, issues);
    case 'timer':
      return { kind, timer: compileTimer(id, definition, issues) };
    case 'signal': {
      const name = attr(child(definition, 'signalRef'), 'name');
      if (!name?.trim()) {
        if (!issues.has(id, 'reference.missing'))
          issues.add(id, 'signal.name-missing', 'needs a signal with a name');
        return { kind, signalName: { feel: false, value: '' } };
      }
      return { kind, signalName: issues.expr(id, 'signal name', name) };
    }
    case 'error': {
      const errorCode = attr(child(definition, 'errorRef'), 'errorCode')?.trim();
      return errorCode ? { kind, errorCode } : { kind };
    }
    case 'escalation': {
      const escalationCode = attr(child(definition, 'escalationRef'), 'escalationCode')?.trim();
      return escalationCode ? { kind, escalationCode } : { kind };
    }
    case 'link': {
      const linkName = attr(definition, 'name')?.trim();
      if (!linkName) issues.add(id, 'link.invalid', 'a link event needs a link name');
      // Zeebe pairs link events by name within a scope, and so does the engine.
      if (child(definition, 'target') || children(definition, 'source').length > 0)
        issues.warn(
          id,
          'link.reference-ignored',
          'link events are paired by name within their scope; the source and target references are ignored',
        );
      return { kind, linkName: linkName ?? '' };
    }
    case 'conditional':
      return compileConditional(id, definition, issues, position === 'processStart');
  }
}

/** A message by name and, where the message must find a running instance, its correlation key. */
export function compileMessage(
  id: string,
  message: ModdleNode | undefined,
  position: EventPosition | 'receiveTask',
  issues: IssueCollector,
): Extract<EventDefinition, { kind: 'message' }> {
  const name = attr(message, 'name');
  const messageName = name?.trim()
    ? issues.expr(id, 'message name', name)
    : { feel: false as const, value: '' };
  // A dangling messageRef is already reported; saying the name and key are missing too adds nothing.
  if (!message && issues.has(id, 'reference.missing')) return { kind: 'message', messageName };
  if (!name?.trim()) issues.add(id, 'message.name-missing', 'needs a message with a name');
  const rawKey = attr(extension(message, 'zeebe:Subscription'), 'correlationKey');
  const correlationKey = issues.optionalExpr(id, 'correlation key', rawKey);
  const isCatch =
    position === 'catch' ||
    position === 'boundary' ||
    position === 'eventSubProcessStart' ||
    position === 'receiveTask';
  if (isCatch && !correlationKey) {
    issues.add(
      id,
      'message.correlation-missing',
      `message '${name ?? ''}' needs a correlation key (zeebe:subscription) to find its instance`,
    );
  }
  return correlationKey ? { kind: 'message', messageName, correlationKey } : { kind: 'message', messageName };
}

function compileTimer(id: string, definition: ModdleNode, issues: IssueCollector): TimerDefinition {
  const values = (['timeDate', 'timeDuration', 'timeCycle'] as const)
    .map((key) => ({ key, body: expressionBody(definition, key) }))
    .filter((value) => value.body !== undefined);
  const first = values[0];
  if (!first || values.length > 1) {
    issues.add(
      id,
      'timer.invalid',
      first
        ? 'a timer needs exactly one of date, duration or cycle'
        : 'the timer has no date, duration or cycle',
    );
  }
  const type: TimerType =
    first?.key === 'timeDate' ? 'date' : first?.key === 'timeCycle' ? 'cycle' : 'duration';
  const raw = first?.body ?? '';
  if (first) {
    const problem = parseTimerValue(type, raw);
    if (problem)
      issues.add(
        id,
        raw.trim().startsWith('=') ? 'feel.syntax' : 'timer.invalid',
        `timer ${type}: ${problem}`,
      );
  }
  const trimmed = raw.trim();
  const expr = trimmed.startsWith('=')
    ? { feel: true as const, source: trimmed.slice(1).trim() }
    : { feel: false as const, value: trimmed };
  return { type, expr };
}

function positionCode(position: EventPosition): DeployIssueCode {
  if (position === 'eventSubProcessStart') return 'event-subprocess.start-invalid';
  if (position === 'subProcessStart') return 'scope.start-invalid';
  return 'element.unsupported';
}

function label(type: string): string {
  return (
    type
      .replace(/^bpmn:/, '')
      .replace(/EventDefinition$/, '')
      .toLowerCase() || type
  );
}
