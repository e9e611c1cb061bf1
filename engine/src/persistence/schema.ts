import type { ColumnType, Generated } from 'kysely';

/**
 * The engine's tables as Kysely sees them. These tables are the engine's private store, not a
 * public interface: read them through the Engine API, never directly from other packages.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface DefinitionsTable {
  id: string;
  process_id: string;
  version: number;
  name: string | null;
  hash: string;
  xml: string;
  form_ids: string[];
  deployed_at: Timestamp;
  deployed_by: string | null;
}

export interface InstancesTable {
  id: string;
  definition_id: string;
  process_id: string;
  definition_version: number;
  status: string;
  /** Optimistic lock: every command bumps it and checks the value it read. */
  version: number;
  /** The last history `seq` written for this instance. */
  history_seq: number;
  state: Json;
  business_key: string | null;
  started_at: Timestamp;
  started_by: string | null;
  ended_at: Timestamp | null;
  parent_instance_id: string | null;
  parent_token_id: string | null;
}

export interface UserTasksTable {
  id: string;
  instance_id: string;
  definition_id: string;
  process_id: string;
  element_id: string;
  token_id: string;
  name: string;
  state: string;
  assignee: string | null;
  owner: string | null;
  delegated: boolean;
  candidate_users: string[];
  candidate_groups: string[];
  due_at: Timestamp | null;
  follow_up_at: Timestamp | null;
  priority: number;
  form_id: string | null;
  variables: Json;
  draft: Json | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
  completed_by: string | null;
  /** Creation order: a bigserial, so later tasks have larger values even within one millisecond. */
  seq: Generated<string>;
  /** Set on a task created by a return (驳回): `{ taskId, elementId, by, reason, at }`. */
  returned_from: ColumnType<TaskReturnColumn | null, string | null | undefined, string | null>;
}

/** The `returned_from` column's shape. */
export interface TaskReturnColumn {
  readonly taskId: string;
  readonly elementId: string;
  readonly by: string | null;
  readonly reason: string;
  readonly at: string;
}

export interface JobsTable {
  id: string;
  instance_id: string | null;
  definition_id: string;
  element_id: string;
  token_id: string | null;
  kind: string;
  job_type: string | null;
  due_at: Timestamp;
  /** Attempts left; 0 = out of retries (an incident holds the job until it is retried). */
  retries: number;
  /** The configured retries, restored when an incident is retried. */
  max_retries: number;
  attempts: Generated<number>;
  /** Times the in-process executor found this job's lease expired: its last run crashed or hung. */
  crash_count: Generated<number>;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  variables: Json;
  headers: Json;
  cycle: Json | null;
  created_at: Timestamp;
  /** Listener jobs: 'executionListener' or 'taskListener' (migration 0011). */
  listener_kind: ColumnType<string | null, string | null | undefined, string | null>;
  /** Listener jobs: the event (start, end, creating, completing). */
  listener_event: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface MessageSubscriptionsTable {
  id: string;
  instance_id: string;
  message_name: string;
  correlation_key: string | null;
  element_id: string;
  token_id: string;
  created_at: Timestamp;
}

export interface SignalSubscriptionsTable {
  id: string;
  instance_id: string;
  signal_name: string;
  element_id: string;
  token_id: string;
  created_at: Timestamp;
}

/** Message and signal start events of the latest version of each process. */
export interface StartSubscriptionsTable {
  definition_id: string;
  process_id: string;
  element_id: string;
  kind: string;
  name: string;
}

/** An open gathering of a parallel multiple start event (migration 0016): the row two engines lock. */
export interface StartGatheringsTable {
  definition_id: string;
  element_id: string;
  /** The messages' correlation key when the start event's messages declare one, else ''. */
  gathering_key: string;
  /** The `seq` of the latest trigger recorded (arrival order). */
  next_seq: ColumnType<string | number, string | number, string | number>;
  opened_at: Timestamp;
}

/** One trigger (message, signal, timer) recorded for a gathering, in arrival order. */
export interface StartGatheringTriggersTable {
  definition_id: string;
  element_id: string;
  gathering_key: string;
  seq: ColumnType<string | number, string | number, string | number>;
  /** Which event definition of the start event it fulfils (document order). */
  definition_index: number;
  kind: string;
  name: string | null;
  correlation_key: string | null;
  variables: Json;
  arrived_at: Timestamp;
}

export interface IncidentsTable {
  id: string;
  instance_id: string;
  element_id: string;
  token_id: string | null;
  type: string;
  message: string;
  job_id: string | null;
  created_at: Timestamp;
  resolved_at: Timestamp | null;
}

/** Partitioned by month of `at` (migration 0015); keyed by (instance_id, seq, at). */
export interface HistoryTable {
  instance_id: string;
  seq: number;
  at: Timestamp;
  type: string;
  element_id: string | null;
  token_id: string | null;
  task_id: string | null;
  actor: string | null;
  data: Json | null;
}

/** An instance removed by retention whose history rows may still be stored (never shown). */
export interface RemovedInstancesTable {
  instance_id: string;
  started_at: Timestamp;
  removed_at: Timestamp;
}

/** A process's retention: finished instances older than `ttl_days` are removed. */
export interface ProcessRetentionTable {
  process_id: string;
  ttl_days: number;
  updated_at: Timestamp;
  updated_by: string | null;
}

/** One version of one DMN decision; `xml` is its whole file (migration 0007). */
export interface DecisionsTable {
  id: string;
  decision_id: string;
  version: number;
  name: string | null;
  decision_requirements_id: string;
  hash: string;
  xml: string;
  deployed_at: Timestamp;
  deployed_by: string | null;
}

/** A decision evaluated on its own (not by a business rule task, whose history holds it). */
export interface DecisionEvaluationsTable {
  id: string;
  /** The evaluated version's `decisions` row. */
  decision_key: string;
  decision_id: string;
  version: number;
  evaluated_at: Timestamp;
  evaluated_by: string | null;
  matched_rule_ids: Json<string[]>;
  /** The variables it was given (or a marker when they were too large to keep). */
  inputs: Json;
  result: Json;
  /** Every decision evaluated (required ones first): id, name, matched rules, result. */
  evaluations: Json;
}

export interface DB {
  definitions: DefinitionsTable;
  decisions: DecisionsTable;
  decision_evaluations: DecisionEvaluationsTable;
  instances: InstancesTable;
  process_retention: ProcessRetentionTable;
  user_tasks: UserTasksTable;
  jobs: JobsTable;
  message_subscriptions: MessageSubscriptionsTable;
  signal_subscriptions: SignalSubscriptionsTable;
  start_subscriptions: StartSubscriptionsTable;
  start_gatherings: StartGatheringsTable;
  start_gathering_triggers: StartGatheringTriggersTable;
  incidents: IncidentsTable;
  history: HistoryTable;
  removed_instances: RemovedInstancesTable;
  process_access: ProcessAccessTable;
  batches: BatchesTable;
  batch_items: BatchItemsTable;
}

/** One group on one process's list of managers or starters; a process without rows is open to all. */
export interface ProcessAccessTable {
  process_id: string;
  list: 'managers' | 'starters';
  group_name: string;
}

/** A batch operation (migration 0009): what it does, which instances it selected, how far it got. */
export interface BatchesTable {
  id: string;
  kind: string;
  filter: Json;
  parameters: Json;
  total: number;
  done: Generated<number>;
  failed: Generated<number>;
  state: string;
  process_ids: string[];
  created_by: string | null;
  /** The creator's identity as it was at creation: every item runs as it, under the policy. */
  creator: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One instance of one batch: `pending` until an executor processes it, then `done` or `failed`. */
export interface BatchItemsTable {
  batch_id: string;
  seq: number;
  instance_id: string;
  state: Generated<string>;
  error_code: string | null;
  error_message: string | null;
  processed_at: Timestamp | null;
  /** The worker (engine process) that processed it. */
  processed_by: string | null;
}
