/**
 * Shapes of the Baton HTTP API as the web app reads them. Dates arrive as ISO strings.
 * Kept to the fields the screens use; the server may send more.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Variables = Record<string, Json>;
export type Role = 'admin' | 'designer' | 'manager' | 'staff';

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  groups: string[];
  locale?: string | null;
}

export interface UserRef {
  id: string;
  username: string;
  displayName: string;
}

export interface Group {
  id: string;
  name?: string;
}

export interface ListPage<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface FieldError {
  pointer: string;
  message: string;
}

export interface DeployIssue {
  elementId: string | null;
  code: string;
  message: string;
}

export interface FormRecord {
  formId: string;
  version: number;
  name: string;
  schema: Record<string, Json>;
  uiSchema: Record<string, Json>;
  updatedAt?: string;
}

export interface Definition {
  id: string;
  processId: string;
  version: number;
  name: string | null;
  deployedAt?: string;
  deployedBy?: string | null;
  isNew?: boolean;
}

export interface ProcessSummary {
  processId: string;
  name: string | null;
  version: number;
  definitionId: string;
  startFormId: string | null;
}

export type InstanceStatus = 'running' | 'completed' | 'cancelled' | 'terminated' | string;

export interface Incident {
  id: string;
  instanceId: string;
  elementId: string;
  type: string;
  message: string;
  createdAt: string;
  resolvedAt: string | null;
}

export interface InstanceSummary {
  id: string;
  definitionId: string;
  processId: string;
  version: number;
  status: InstanceStatus;
  businessKey: string | null;
  startedAt: string;
  startedBy: string | null;
  endedAt: string | null;
  openIncidents?: number;
}

export interface InstanceDetail extends InstanceSummary {
  variables: Variables;
  activeElements: Record<string, number>;
  completedElementIds: string[];
  takenFlowIds: string[];
  incidents: Incident[];
}

export interface HistoryEvent {
  seq: number;
  at: string;
  type: string;
  elementId: string | null;
  taskId: string | null;
  actor: string | null;
  data: Record<string, Json> | null;
}

export interface Task {
  id: string;
  instanceId: string;
  definitionId: string;
  processId: string;
  elementId: string;
  name: string;
  state: 'created' | 'completed' | 'cancelled';
  assignee: string | null;
  owner: string | null;
  delegated: boolean;
  candidateUsers: string[];
  candidateGroups: string[];
  dueAt: string | null;
  followUpAt: string | null;
  priority: number;
  formId: string | null;
  variables: Variables;
  draft: Variables | null;
  createdAt: string;
  completedAt: string | null;
}

export interface TaskDetail extends Task {
  form: { schema: Record<string, Json>; uiSchema: Record<string, Json> | null } | null;
  returnTargets: { elementId: string; name: string | null }[];
}

export interface TaskCounts {
  mine: number;
  claimable: number;
  overdue: number;
}

export interface TaskList extends ListPage<Task> {
  counts: TaskCounts;
}

export interface Kpis {
  running: number;
  completed: number;
  avgCycleMs: number | null;
  p90CycleMs: number | null;
  overdueTasks: number;
  escalations: number;
  workload: { assignee: string | null; group: string | null; open: number }[];
  timePerElement: Record<string, number>;
}

export interface LocalizedText {
  en?: string;
  zh?: string;
  [lang: string]: string | undefined;
}

export interface Template {
  id: string;
  name: LocalizedText | string;
  description: LocalizedText | string;
  groups?: string[];
  processId?: string;
  xml?: string;
}

export interface LiveEvent {
  kind: 'task' | 'instance';
  id: string;
  instanceId: string;
  change: string;
}
