import type { Selectable } from 'kysely';
import type {
  DefinitionSummary,
  HistoryEvent,
  Incident,
  InstanceSummary,
  Job,
  Task,
  TaskReturn,
  TaskState,
} from '../api.js';
import type { InstanceStatus, JsonValue, NewUserTask, Variables } from '../runtime/types.js';
import type {
  DefinitionsTable,
  HistoryTable,
  IncidentsTable,
  InstancesTable,
  JobsTable,
  TaskReturnColumn,
  UserTasksTable,
} from './schema.js';

/** Row -> API shape mappers: the only place that knows column names on the way out. */

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
const toDateOrNull = (value: Date | string | null): Date | null => (value === null ? null : toDate(value));

/** jsonb comes back parsed from both drivers; a string here means it was stored as a JSON string. */
function json<T>(value: unknown, fallback: T): T {
  return (value ?? fallback) as T;
}

export function definitionFromRow(row: Selectable<DefinitionsTable>): DefinitionSummary {
  return {
    id: row.id,
    processId: row.process_id,
    version: row.version,
    name: row.name,
    hash: row.hash,
    deployedAt: toDate(row.deployed_at),
    deployedBy: row.deployed_by,
    formIds: row.form_ids ?? [],
  };
}

export function instanceFromRow(
  row: Selectable<InstancesTable> & { open_incidents?: unknown },
): InstanceSummary {
  return {
    id: row.id,
    definitionId: row.definition_id,
    processId: row.process_id,
    version: row.definition_version,
    status: row.status as InstanceStatus,
    businessKey: row.business_key,
    startedAt: toDate(row.started_at),
    startedBy: row.started_by,
    endedAt: toDateOrNull(row.ended_at),
    parentInstanceId: row.parent_instance_id,
    openIncidents: Number(row.open_incidents ?? 0),
  };
}

export function taskFromRow(row: Selectable<UserTasksTable>): Task {
  return {
    id: row.id,
    instanceId: row.instance_id,
    definitionId: row.definition_id,
    processId: row.process_id,
    elementId: row.element_id,
    name: row.name,
    state: row.state as TaskState,
    assignee: row.assignee,
    owner: row.owner,
    delegated: row.delegated,
    candidateUsers: row.candidate_users ?? [],
    candidateGroups: row.candidate_groups ?? [],
    dueAt: toDateOrNull(row.due_at),
    followUpAt: toDateOrNull(row.follow_up_at),
    priority: row.priority,
    formId: row.form_id,
    variables: json<Variables>(row.variables, {}),
    draft: json<Variables | null>(row.draft, null),
    createdAt: toDate(row.created_at),
    completedAt: toDateOrNull(row.completed_at),
    completedBy: row.completed_by,
    sequence: Number(row.seq),
    returnedFrom: returnFromColumn(json<TaskReturnColumn | null>(row.returned_from, null)),
  };
}

function returnFromColumn(column: TaskReturnColumn | null): TaskReturn | null {
  if (column === null) return null;
  return {
    taskId: column.taskId,
    elementId: column.elementId,
    by: column.by,
    reason: column.reason,
    at: new Date(column.at),
  };
}

/** The column value for a task created by a return. */
export function returnColumn(r: TaskReturn): string {
  const column: TaskReturnColumn = {
    taskId: r.taskId,
    elementId: r.elementId,
    by: r.by,
    reason: r.reason,
    at: r.at.toISOString(),
  };
  return JSON.stringify(column);
}

export function jobFromRow(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    instanceId: row.instance_id,
    definitionId: row.definition_id,
    elementId: row.element_id,
    kind: row.kind as Job['kind'],
    jobType: row.job_type,
    dueAt: toDate(row.due_at),
    retries: row.retries,
    attempts: row.attempts,
    lockedBy: row.locked_by,
    lockedUntil: toDateOrNull(row.locked_until),
    lastError: row.last_error,
    variables: json<Variables>(row.variables, {}),
    headers: json<Record<string, string>>(row.headers, {}),
    listener:
      row.listener_kind === 'executionListener' || row.listener_kind === 'taskListener'
        ? { kind: row.listener_kind, eventType: row.listener_event ?? '' }
        : null,
  };
}

export function incidentFromRow(row: Selectable<IncidentsTable> & { process_id: string }): Incident {
  return {
    id: row.id,
    instanceId: row.instance_id,
    processId: row.process_id,
    elementId: row.element_id,
    type: row.type,
    message: row.message,
    jobId: row.job_id,
    createdAt: toDate(row.created_at),
    resolvedAt: toDateOrNull(row.resolved_at),
  };
}

export function historyFromRow(row: Selectable<HistoryTable>): HistoryEvent {
  return {
    // Stable across the move to a partitioned table (which dropped the bigserial id).
    id: `${row.instance_id}:${row.seq}`,
    instanceId: row.instance_id,
    seq: row.seq,
    at: toDate(row.at),
    type: row.type as HistoryEvent['type'],
    elementId: row.element_id,
    taskId: row.task_id,
    actor: row.actor,
    data: json<Record<string, JsonValue> | null>(row.data, null),
  };
}

/** The Task a `task.create` effect produces, without reading it back (`sequence`: what the insert returned). */
export function taskFromNew(
  task: NewUserTask,
  instance: { readonly id: string; readonly definition_id: string; readonly process_id: string },
  now: Date,
  sequence: number,
): Task {
  return {
    id: task.id,
    instanceId: instance.id,
    definitionId: instance.definition_id,
    processId: instance.process_id,
    elementId: task.elementId,
    name: task.name,
    state: 'created',
    assignee: task.assignee,
    owner: null,
    delegated: false,
    candidateUsers: task.candidateUsers,
    candidateGroups: task.candidateGroups,
    dueAt: task.dueAt,
    followUpAt: task.followUpAt,
    priority: task.priority,
    formId: task.formId,
    variables: task.variables,
    draft: null,
    createdAt: now,
    completedAt: null,
    completedBy: null,
    sequence,
    returnedFrom: null,
  };
}
