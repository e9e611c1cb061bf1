import { type WorkingTime, WorkingTimeError } from '../../calendar/calendar.js';
import { parseDateTime } from '../../expressions/timer.js';
import { ExpressionError } from '../../errors.js';
import type { ActivityElement, Expr } from '../../model/types.js';
import { activityScopeId } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { hasListeners, runListener } from '../listeners.js';
import type { JsonValue, NewUserTask, TaskCorrections } from '../types.js';
import { evaluateIn, visibleVariables } from '../variables.js';
import { workingTimeOf } from '../working-time.js';

const DEFAULT_PRIORITY = 50;

/**
 * User tasks become rows (`task.create`) with their assignment evaluated now: assignee, candidate
 * users and groups (FEEL lists or comma lists; the lane's name when nothing is assigned), due and
 * follow-up dates, priority and form. Everything is evaluated before anything is emitted, so a
 * failing expression leaves no half-made task behind.
 */
export function runUserTask(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const task = evaluateTask(exec, token, element);
  // Creating listeners run before the task exists, so it reaches no inbox before they agree.
  if (hasListeners(element, 'creating')) {
    runListener(exec, token, { event: 'creating', index: 0 }, taskHeaders(task, 'create'));
    return;
  }
  emitTask(exec, token, element, task);
}

/** The task as the process defines it now, with the creating listeners' corrections. */
export type EvaluatedTask = Omit<NewUserTask, 'id' | 'elementId' | 'tokenId'>;

/** Evaluates the task's assignment, schedule and priority; throws ExpressionError before emitting anything. */
export function evaluateTask(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  corrections?: TaskCorrections,
): EvaluatedTask {
  const spec = element.userTask ?? {};
  const scopeId = activityScopeId(exec, token);
  const evaluate = (expr: Expr | undefined): JsonValue => (expr ? evaluateIn(exec, expr, scopeId) : null);
  const assignee = optionalText(evaluate(spec.assignee));
  const candidateUsers = list(evaluate(spec.candidateUsers));
  let candidateGroups = list(evaluate(spec.candidateGroups));
  if (!assignee && candidateUsers.length === 0 && candidateGroups.length === 0 && spec.laneName) {
    candidateGroups = [spec.laneName];
  }
  // With a business calendar, a due or follow-up date may be a duration of working time from now.
  const working =
    spec.dueDate || spec.followUpDate
      ? workingTimeOf(exec.ctx, exec.index.model, element, candidateGroups)
      : undefined;
  const dueAt = date(evaluate(spec.dueDate), spec.dueDate, exec.now, working);
  const followUpAt = date(evaluate(spec.followUpDate), spec.followUpDate, exec.now, working);
  const priority = priorityOf(evaluate(spec.priority), spec.priority);
  const task: EvaluatedTask = {
    name: element.name ?? element.id,
    assignee,
    candidateUsers,
    candidateGroups,
    dueAt,
    followUpAt,
    priority,
    formId: spec.formId ?? null,
    variables: visibleVariables(exec, scopeId),
  };
  return corrections ? applyCorrections(task, corrections) : task;
}

/** Creates the task row and parks the token on it. */
export function emitTask(
  exec: Execution,
  token: LiveToken,
  element: ActivityElement,
  task: EvaluatedTask,
): void {
  const taskId = exec.newId();
  // As in Zeebe, a task with an assignee at creation is created unassigned, then assigned once its
  // assigning listeners agree: it reaches the assignee's inbox no earlier.
  const assignee = task.assignee;
  const listened = assignee !== null && hasListeners(element, 'assigning');
  exec.emit({
    type: 'task.create',
    task: {
      id: taskId,
      elementId: element.id,
      tokenId: token.id,
      ...task,
      ...(listened ? { assignee: null, state: 'assigning' as const } : {}),
    },
  });
  exec.history('task.created', { elementId: element.id, tokenId: token.id, taskId });
  token.wait = { kind: 'userTask', taskId };
  if (!listened) return;
  exec.history('task.assigning', {
    elementId: element.id,
    tokenId: token.id,
    taskId,
    data: { assignee, action: 'assign' },
  });
  token.wait = undefined;
  runListener(
    exec,
    token,
    {
      event: 'assigning',
      index: 0,
      taskId,
      assignment: {
        assignee,
        owner: null,
        delegated: false,
        action: 'assign',
        history: { type: 'task.assigned', data: { from: null, to: assignee } },
      },
    },
    taskHeaders({ assignee }, 'assign', taskId),
  );
}

/**
 * Applies task listener corrections (Zeebe's job result `corrections`): an absent field stays; ''
 * clears the assignee or a date. As in Zeebe, a creating listener corrects the assignee only when
 * the process gave none.
 */
export function applyCorrections(task: EvaluatedTask, c: TaskCorrections): EvaluatedTask {
  const at = (value: string | undefined, current: Date | null): Date | null =>
    value === undefined ? current : value === '' ? null : date(value, undefined);
  return {
    ...task,
    assignee: c.assignee === undefined || task.assignee !== null ? task.assignee : optionalText(c.assignee),
    candidateUsers: c.candidateUsers ? [...c.candidateUsers] : task.candidateUsers,
    candidateGroups: c.candidateGroups ? [...c.candidateGroups] : task.candidateGroups,
    dueAt: at(c.dueDate, task.dueAt),
    followUpAt: at(c.followUpDate, task.followUpAt),
    priority: c.priority === undefined ? task.priority : priorityOf(c.priority, undefined),
  };
}

/** What a task listener's job carries about the task, under Zeebe's reserved header names. */
export function taskHeaders(
  task: Partial<EvaluatedTask>,
  action: string,
  taskId?: string,
): Record<string, string> {
  const headers: Record<string, string> = { 'io.camunda.zeebe:action': action };
  if (taskId !== undefined) headers['io.camunda.zeebe:userTaskKey'] = taskId;
  if (task.assignee) headers['io.camunda.zeebe:assignee'] = task.assignee;
  if (task.candidateGroups)
    headers['io.camunda.zeebe:candidateGroups'] = JSON.stringify(task.candidateGroups);
  if (task.candidateUsers) headers['io.camunda.zeebe:candidateUsers'] = JSON.stringify(task.candidateUsers);
  if (task.dueAt) headers['io.camunda.zeebe:dueDate'] = task.dueAt.toISOString();
  if (task.followUpAt) headers['io.camunda.zeebe:followUpDate'] = task.followUpAt.toISOString();
  if (task.formId) headers['io.camunda.zeebe:formKey'] = task.formId;
  if (task.priority !== undefined) headers['io.camunda.zeebe:priority'] = String(task.priority);
  return headers;
}

function optionalText(value: JsonValue): string | null {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** A FEEL list, or a comma-separated string. */
function list(value: JsonValue): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.map((item) => optionalText(item)).filter((item): item is string => item !== null);
}

/** An ISO date-time; with a business calendar (and the instant it counts from), also a working-time duration. */
function date(value: JsonValue, expr: Expr | undefined, now?: Date, working?: WorkingTime): Date | null {
  if (value === null || value === '') return null;
  if (working && now && typeof value === 'string' && value.startsWith('P')) {
    try {
      return working.add(now, working.durationMs(value));
    } catch (error) {
      if (error instanceof WorkingTimeError) throw new ExpressionError(source(expr), error.message);
      throw error;
    }
  }
  if (typeof value === 'string') {
    const parsed =
      parseDateTime(value) ?? (/^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null);
    if (parsed && !Number.isNaN(parsed.getTime())) return parsed;
  }
  throw new ExpressionError(source(expr), `expected an ISO 8601 date-time, got ${JSON.stringify(value)}`);
}

function priorityOf(value: JsonValue, expr: Expr | undefined): number {
  if (value === null || value === '') return DEFAULT_PRIORITY;
  const priority = typeof value === 'string' ? Number(value) : value;
  if (typeof priority === 'number' && Number.isFinite(priority))
    return Math.min(100, Math.max(0, Math.round(priority)));
  throw new ExpressionError(source(expr), `expected a priority number, got ${JSON.stringify(value)}`);
}

function source(expr: Expr | undefined): string {
  if (!expr) return '';
  return expr.feel ? expr.source : expr.value;
}
