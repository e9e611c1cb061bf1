import { parseDateTime } from '../expressions/timer.js';
import type { IssueCollector } from './issues.js';
import { attr, children, extension, extensions, type ModdleNode } from './moddle.js';
import type { Expr, IoMapping, Mapping, UserTaskSpec } from './types.js';

/**
 * Readers for Zeebe's extension elements (`zeebe:*` inside `bpmn:extensionElements`), the way
 * Camunda Modeler in Camunda 8 mode writes them. Each reader reports its own problems.
 */

const CAMUNDA_7_URI = 'http://camunda.org/schema/1.0/bpmn';

/** Zeebe extensions that change behaviour and that the engine does not run: rejected, never ignored. */
const UNSUPPORTED_ZEEBE: Readonly<Record<string, string>> = {
  'zeebe:ExecutionListeners': 'execution listeners',
  'zeebe:TaskListeners': 'task listeners',
  'zeebe:CalledDecision': 'DMN decisions',
  'zeebe:AdHoc': 'ad-hoc subprocesses',
  'zeebe:UserTaskForm': 'embedded forms (link a form with formId instead)',
};

/** Reports extensions that would change behaviour but are not executed: some Zeebe ones and all of Camunda 7. */
export function checkUnsupportedExtensions(
  node: ModdleNode,
  camunda7Prefixes: readonly string[],
  issues: IssueCollector,
): void {
  const id = node.id;
  for (const value of extensions(node)) {
    const feature = UNSUPPORTED_ZEEBE[value.$type];
    if (feature) issues.add(id, 'extension.unsupported', `${feature} (<${value.$type}>) are not supported`);
    else if (value.$descriptor?.ns?.uri === CAMUNDA_7_URI) {
      issues.add(
        id,
        'extension.unsupported',
        `<${value.$type}> is a Camunda 7 extension; use the Zeebe (Camunda 8) form`,
      );
    }
  }
  for (const key of Object.keys(node.$attrs ?? {})) {
    if (camunda7Prefixes.some((prefix) => key.startsWith(`${prefix}:`))) {
      issues.add(
        id,
        'extension.unsupported',
        `the attribute ${key} is a Camunda 7 extension; use the Zeebe (Camunda 8) form`,
      );
    }
  }
}

/** Namespace prefixes bound to the Camunda 7 namespace on `bpmn:definitions`. */
export function camunda7Prefixes(definitions: ModdleNode): string[] {
  return Object.entries(definitions.$attrs ?? {})
    .filter(([key, uri]) => key.startsWith('xmlns:') && uri === CAMUNDA_7_URI)
    .map(([key]) => key.slice('xmlns:'.length));
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

/** `zeebe:taskHeaders` as a plain record. */
export function readHeaders(node: ModdleNode): Record<string, string> | undefined {
  const headers = children(extension(node, 'zeebe:TaskHeaders'), 'values');
  if (headers.length === 0) return undefined;
  return Object.fromEntries(
    headers.map((header) => [attr(header, 'key') ?? '', attr(header, 'value') ?? '']),
  );
}

/** `zeebe:formDefinition formId`; other form kinds are reported, since the task would open without its form. */
export function readFormId(node: ModdleNode, issues: IssueCollector): string | undefined {
  const form = extension(node, 'zeebe:FormDefinition');
  if (!form) return undefined;
  const formId = attr(form, 'formId')?.trim();
  if (formId) return formId;
  if (attr(form, 'formKey') || attr(form, 'externalReference')) {
    issues.add(
      node.id,
      'extension.unsupported',
      'forms are linked by formId; formKey and externalReference are not supported',
    );
  }
  return undefined;
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
    formId: readFormId(node, issues),
    laneName,
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
