import { parseDateTime } from '../expressions/timer.js';
import { checkMisplacedListeners, readTaskListeners } from './compile-listeners.js';
import { EMBEDDED_FORM_KEY } from './embedded-forms.js';
import type { IssueCollector } from './issues.js';
import { attr, children, extension, extensions, type ModdleNode } from './moddle.js';
import type { Expr, IoMapping, Mapping, UserTaskSpec } from './types.js';

/**
 * Readers for Zeebe's extension elements (`zeebe:*` inside `bpmn:extensionElements`), the way
 * Camunda Modeler in Camunda 8 mode writes them. Each reader reports its own problems.
 */

const BPMN_URI = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const ZEEBE_URI = 'http://camunda.org/schema/zeebe/1.0';

/** Zeebe extensions that change behaviour and that the engine does not run: rejected, never ignored. */
const UNSUPPORTED_ZEEBE: Readonly<Record<string, string>> = {
  'zeebe:LinkedResources':
    'linked resources are not handed to job workers; remove them, or pass what the worker needs as task headers',
  'zeebe:AgentDefinition': 'AI agent tasks and sub-processes are not run',
};

/**
 * Zeebe extensions that change no result, only an order, and that the engine does not honour:
 * deployed with a warning naming them. Extensions that are only metadata (`zeebe:properties`,
 * `zeebe:versionTag`, the modeler's `zeebe:modelerTemplate*` attributes) deploy without one.
 */
const WARNED_ZEEBE: Readonly<Record<string, string>> = {
  'zeebe:JobPriorityDefinition':
    'job priorities are not honoured: workers fetch due jobs oldest first, whatever their priority',
};

/**
 * Reports the Zeebe extensions the engine does not run (errors), and names the extensions of other
 * namespaces (Camunda 7's `camunda:*`, left in files migrated to Camunda 8) in one warning per
 * element: Zeebe ignores them, and so does the engine.
 */
export function checkUnsupportedExtensions(
  node: ModdleNode,
  namespaces: ReadonlyMap<string, string>,
  issues: IssueCollector,
): void {
  const id = node.id;
  const ignored: string[] = [];
  checkMisplacedListeners(node, issues);
  for (const value of extensions(node)) {
    const feature = UNSUPPORTED_ZEEBE[value.$type];
    const warned = WARNED_ZEEBE[value.$type];
    if (feature) issues.add(id, 'extension.unsupported', `<${value.$type}>: ${feature}`);
    else if (warned) issues.warn(id, 'extension.ignored', `<${value.$type}>: ${warned}`);
    else if (isForeignElement(value)) ignored.push(`<${value.$type}>`);
  }
  for (const key of Object.keys(node.$attrs ?? {})) {
    const prefix = /^([^:]+):/.exec(key)?.[1];
    if (prefix && prefix !== 'xmlns' && prefix !== 'xml' && isForeign(namespaces.get(prefix)))
      ignored.push(key);
  }
  if (ignored.length > 0) {
    issues.warn(
      id,
      'extension.ignored',
      `ignored, as Zeebe ignores them (they are not Zeebe extensions): ${ignored.join(', ')}`,
    );
  }
}

/**
 * Known types carry their package's prefix (`bpmn:`, `zeebe:`) whatever the file's prefixes are;
 * elements of other namespaces are kept as generic ones with the file's prefix and namespace.
 */
function isForeignElement(value: ModdleNode): boolean {
  const uri = value.$descriptor?.ns?.uri;
  if (uri !== undefined) return isForeign(uri);
  return !value.$type.startsWith('bpmn:') && !value.$type.startsWith('zeebe:');
}

/** A namespace other than BPMN's and Zeebe's; unknown (undeclared) ones count as foreign too. */
function isForeign(uri: string | undefined): boolean {
  return uri !== BPMN_URI && uri !== ZEEBE_URI;
}

/** Namespace prefixes declared on `bpmn:definitions`, by prefix. */
export function declaredNamespaces(definitions: ModdleNode): Map<string, string> {
  return new Map(
    Object.entries(definitions.$attrs ?? {})
      .filter(([key]) => key.startsWith('xmlns:'))
      .map(([key, uri]) => [key.slice('xmlns:'.length), uri]),
  );
}

/** `zeebe:ioMapping`: inputs and outputs with FEEL (or static) sources. */
export function readIoMapping(node: ModdleNode, issues: IssueCollector): IoMapping | undefined {
  const ioMapping = extension(node, 'zeebe:IoMapping');
  if (!ioMapping) return undefined;
  const id = node.id ?? '';
  const read = (parameter: ModdleNode, direction: string): Mapping | undefined => {
    const target = attr(parameter, 'target')?.trim();
    if (!target) {
      issues.add(id, 'io-mapping.invalid', `an ${direction} mapping has no target variable`);
      return undefined;
    }
    const source = attr(parameter, 'source') ?? '';
    if (source.trim() === '') {
      // Zeebe reads an input without a source as null: a local variable declared in the
      // activity's scope (so writes to it stay there).
      if (direction === 'input') return { source: { feel: true, source: 'null' }, target };
      issues.add(id, 'io-mapping.invalid', `the ${direction} mapping to '${target}' has no source`);
      return undefined;
    }
    return { source: issues.expr(id, `${direction} mapping to '${target}'`, source), target };
  };
  const inputs = children(ioMapping, 'inputParameters').flatMap((p) => read(p, 'input') ?? []);
  const outputs = children(ioMapping, 'outputParameters').flatMap((p) => read(p, 'output') ?? []);
  return { inputs, outputs };
}

/** `zeebe:taskDefinition`: the job type (required where asked) and retries (default 3, as Zeebe). */
export function readTaskDefinition(
  node: ModdleNode,
  issues: IssueCollector,
  required: boolean,
): { jobType: Expr; jobRetries: number } | undefined {
  const id = node.id ?? '';
  const definition = extension(node, 'zeebe:TaskDefinition');
  const type = attr(definition, 'type');
  if (!type || type.trim() === '') {
    if (required) issues.add(id, 'task.type-missing', 'needs a job type (zeebe:taskDefinition type)');
    return undefined;
  }
  const rawRetries = attr(definition, 'retries')?.trim();
  let jobRetries = 3;
  if (rawRetries) {
    jobRetries = Number(rawRetries);
    if (!/^\d+$/.test(rawRetries))
      issues.add(id, 'task.retries-invalid', `retries '${rawRetries}' is not a whole number`);
  }
  return { jobType: issues.expr(id, 'job type', type), jobRetries };
}

/**
 * What a task run as a job for a worker declares (service, send, script and business rule tasks):
 * `zeebe:taskDefinition` (the job type required) and `zeebe:taskHeaders`.
 */
export function readJobTask(
  node: ModdleNode,
  issues: IssueCollector,
): { jobType?: Expr; jobRetries?: number; headers?: Record<string, string> } {
  const job = readTaskDefinition(node, issues, true);
  return { jobType: job?.jobType, jobRetries: job?.jobRetries, headers: readHeaders(node) };
}

/** `zeebe:taskHeaders` as a plain record. */
export function readHeaders(node: ModdleNode): Record<string, string> | undefined {
  const headers = children(extension(node, 'zeebe:TaskHeaders'), 'values');
  if (headers.length === 0) return undefined;
  return Object.fromEntries(
    headers.map((header) => [attr(header, 'key') ?? '', attr(header, 'value') ?? '']),
  );
}

/**
 * `zeebe:formDefinition`: a linked Camunda Form (`formId`) or, on user tasks, a form the task
 * list finds elsewhere (`externalReference`, kept as task metadata). On user tasks, a `formKey`
 * `camunda-forms:bpmn:<id>` shows an embedded form (linked in `embedded-forms.ts`); any other
 * `formKey` is a custom form key, kept like an external reference.
 */
export function readFormDefinition(
  node: ModdleNode,
  issues: IssueCollector,
  allowExternal: boolean,
): { formId?: string; externalReference?: Expr } {
  const form = extension(node, 'zeebe:FormDefinition');
  if (!form) return {};
  const id = node.id ?? '';
  const formId = attr(form, 'formId')?.trim();
  if (formId) return { formId };
  const external = attr(form, 'externalReference');
  if (external?.trim()) {
    if (allowExternal) return { externalReference: issues.expr(id, 'external form reference', external) };
    issues.add(
      id,
      'extension.unsupported',
      'a start event links its form by formId; externalReference is not supported here',
    );
    return {};
  }
  const formKey = attr(form, 'formKey')?.trim();
  if (formKey && allowExternal) {
    return formKey.startsWith(EMBEDDED_FORM_KEY)
      ? {}
      : { externalReference: { feel: false, value: formKey } };
  }
  if (formKey) {
    issues.add(
      id,
      'extension.unsupported',
      'a start event links its form by formId; formKey (an embedded form) is not supported here',
    );
  }
  return {};
}

/** `zeebe:formDefinition formId` of a start event: the form an instance is started with. */
export function readFormId(node: ModdleNode, issues: IssueCollector): string | undefined {
  return readFormDefinition(node, issues, false).formId;
}

/** Assignment, schedule, priority and form of a user task; the lane's name completes it. */
export function readUserTask(
  node: ModdleNode,
  laneName: string | undefined,
  issues: IssueCollector,
): UserTaskSpec {
  const id = node.id ?? '';
  const assignment = extension(node, 'zeebe:AssignmentDefinition');
  const schedule = extension(node, 'zeebe:TaskSchedule');
  const priority = attr(extension(node, 'zeebe:PriorityDefinition'), 'priority');
  const dueDate = readScheduleDate(id, 'due date', attr(schedule, 'dueDate'), issues);
  const followUpDate = readScheduleDate(id, 'follow-up date', attr(schedule, 'followUpDate'), issues);
  const priorityExpr = issues.optionalExpr(id, 'priority', priority);
  if (priorityExpr && !priorityExpr.feel && !/^\d+$/.test(priorityExpr.value.trim())) {
    issues.add(id, 'task.schedule-invalid', `priority '${priorityExpr.value}' is not a whole number`);
  }
  return {
    assignee: issues.optionalExpr(id, 'assignee', attr(assignment, 'assignee')),
    candidateGroups: issues.optionalExpr(id, 'candidate groups', attr(assignment, 'candidateGroups')),
    candidateUsers: issues.optionalExpr(id, 'candidate users', attr(assignment, 'candidateUsers')),
    dueDate,
    followUpDate,
    priority: priorityExpr,
    ...readFormDefinition(node, issues, true),
    laneName,
    taskListeners: readTaskListeners(node, issues),
  };
}

function readScheduleDate(
  id: string,
  what: string,
  raw: string | undefined,
  issues: IssueCollector,
): Expr | undefined {
  const expr = issues.optionalExpr(id, what, raw);
  if (expr && !expr.feel && !parseDateTime(expr.value)) {
    issues.add(
      id,
      'task.schedule-invalid',
      `${what} '${expr.value}' is not an ISO 8601 date-time with a zone`,
    );
  }
  return expr;
}
