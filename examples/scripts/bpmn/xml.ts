/** Small XML and Zeebe-extension helpers shared by the template specs. */

/** Escapes text for an XML attribute value or element content. */
export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function attrs(values: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${esc(value)}"`)
    .join('');
}

/** `<zeebe:formDefinition formId=... />`: the JSON-schema form a task or start event opens. */
export const form = (formId: string): string => `<zeebe:formDefinition${attrs({ formId })} />`;

/** Who works on a user task: a FEEL assignee (`=lead`) and/or candidate groups. */
export function assign(a: { assignee?: string; groups?: string }): string {
  return `<zeebe:assignmentDefinition${attrs({ assignee: a.assignee, candidateGroups: a.groups })} />`;
}

/**
 * A due date `duration` (ISO 8601) after the task is created. `now()` is turned into a string
 * first so the expression works whether the FEEL host gives `now()` as a string or a date-time.
 */
export const dueIn = (duration: string): string =>
  `<zeebe:taskSchedule${attrs({ dueDate: `=date and time(string(now())) + duration("${duration}")` })} />`;

/** A due date from a FEEL expression. */
export const dueAt = (feel: string): string => `<zeebe:taskSchedule${attrs({ dueDate: feel })} />`;

/** `zeebe:taskDefinition`: the job type a service or send task creates. */
export const job = (type: string, retries = 3): string =>
  `<zeebe:taskDefinition${attrs({ type, retries: String(retries) })} />`;

export function headers(values: Readonly<Record<string, string>>): string {
  const inner = Object.entries(values)
    .map(([key, value]) => `<zeebe:header${attrs({ key, value })} />`)
    .join('');
  return `<zeebe:taskHeaders>${inner}</zeebe:taskHeaders>`;
}

/** `zeebe:ioMapping` with FEEL sources. */
export function io(m: { inputs?: Record<string, string>; outputs?: Record<string, string> }): string {
  const inputs = Object.entries(m.inputs ?? {}).map(
    ([target, source]) => `<zeebe:input${attrs({ source, target })} />`,
  );
  const outputs = Object.entries(m.outputs ?? {}).map(
    ([target, source]) => `<zeebe:output${attrs({ source, target })} />`,
  );
  return `<zeebe:ioMapping>${[...inputs, ...outputs].join('')}</zeebe:ioMapping>`;
}

/**
 * Input mappings that make a multi-instance activity's answers its own: each named variable is
 * declared (as null) in the iteration's scope, so the completion variables of one person's task
 * land there (and in the output collection) instead of in the process root, where the next
 * person's form would find them.
 */
export const ownAnswers = (...names: string[]): string =>
  io({ inputs: Object.fromEntries(names.map((name) => [name, '=null'])) });

/**
 * The extension elements of a `baton.notify` send task: the `subject` header says what it is
 * about; the FEEL inputs `recipients` (usernames) and `groups` (group names) say who gets it.
 */
export function notify(to: { users?: string; groups?: string }, subject: string): string[] {
  const inputs: Record<string, string> = {};
  if (to.users) inputs.recipients = to.users;
  if (to.groups) inputs.groups = to.groups;
  return [job('baton.notify'), headers({ subject }), io({ inputs })];
}

/** Parallel (or sequential) multi-instance over a FEEL list. */
export function multiInstance(m: {
  collection: string;
  element: string;
  outputCollection?: string;
  outputElement?: string;
  sequential?: boolean;
}): string {
  const zeebe = `<zeebe:loopCharacteristics${attrs({
    inputCollection: m.collection,
    inputElement: m.element,
    outputCollection: m.outputCollection,
    outputElement: m.outputElement,
  })} />`;
  const seq = m.sequential ? ' isSequential="true"' : '';
  return `<bpmn:multiInstanceLoopCharacteristics${seq}><bpmn:extensionElements>${zeebe}</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>`;
}

type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';

/** A timer event definition; `value` is an ISO 8601 duration/date/cycle, a cron, or `=FEEL`. */
export function timer(kind: TimerKind, value: string): string {
  return `<bpmn:timerEventDefinition><bpmn:${kind} xsi:type="bpmn:tFormalExpression">${esc(value)}</bpmn:${kind}></bpmn:timerEventDefinition>`;
}

export const escalationRef = (ref: string): string =>
  `<bpmn:escalationEventDefinition${attrs({ escalationRef: ref })} />`;

export const escalation = (id: string, name: string, code: string): string =>
  `<bpmn:escalation${attrs({ id, name, escalationCode: code })} />`;
