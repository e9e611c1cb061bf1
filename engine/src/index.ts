/** @baton/engine: durable BPMN 2.0 execution on PostgreSQL, or embedded PGlite. The public API only. */
export type {
  Actor,
  BulkRetryReport,
  BulkRetryResult,
  DefinitionSummary,
  DeployOptions,
  DeployResult,
  HistoryEvent,
  Incident,
  IncidentFilter,
  InstanceDetail,
  InstanceFilter,
  InstanceSummary,
  FetchRequest,
  Job,
  JobFilter,
  JobHandler,
  JobState,
  KpiSummary,
  Page,
  Task,
  TaskFilter,
  TaskHistoryType,
  TaskReturn,
  TaskState,
} from './api.js';
export { BpmnError } from './api.js';
export type { ChangeEvent } from './change-feed.js';
export {
  compileDmn,
  type DecisionDeployResult,
  type DecisionEvaluation,
  type DecisionEvaluationFilter,
  type DecisionSummary,
  evaluateDecision,
  type StoredDecisionEvaluation,
} from './dmn/index.js';
export { type Clock, systemClock, VirtualClock } from './clock.js';
export { DataDirectoryLockedError, type DataDirectoryOwner } from './data-dir-lock.js';
export {
  type Database,
  type DatabaseTimeouts,
  DEFAULT_TIMEOUTS,
  type OpenDatabaseOptions,
  openDatabase,
} from './database.js';
export {
  type AccessView,
  type BatchMigrationReport,
  createEngine,
  Engine,
  type EngineLogger,
  type EngineOptions,
  type InstanceExport,
  type InstanceModification,
} from './engine.js';
export type { SweepOptions, SweepResult } from './retention.js';
export { REPLICA_RETRY_AFTER_MS, type ReplicaStatus } from './replica.js';
export { DECISION_EVALUATION_TTL_DAYS } from './retention.js';
export type { DefinitionVersion, MigrationReport, MigrationRequest } from './migration/migrate.js';
export { MAX_BATCH_IDS, MAX_BATCH_ITEMS } from './batches/filter.js';
export {
  BATCH_KINDS,
  type Batch,
  type BatchDetail,
  type BatchDryRun,
  type BatchFailure,
  type BatchFilter,
  type BatchKind,
  type BatchParameters,
  type BatchRequest,
  type BatchState,
} from './batches/types.js';
export type { MigrationMapping, MigrationProblem } from './migration/plan.js';
export * from './errors.js';
export { type FeelLimits, setFeelLimits, setTimerLimits, type TimerLimits } from './expressions/limits.js';
export {
  actorOf,
  decideTask,
  type Identity,
  type ProcessAccess,
  policy,
  SYSTEM,
  type SystemIdentity,
  systemIdentity,
  type TaskAction,
  type TaskFacts,
  type TaskVerdict,
  type UserIdentity,
  userIdentity,
} from './identity.js';
export type { StartCheck } from './job-variables.js';
export type { ConditionEvaluation } from './conditional-start.js';
export type { GatheredTrigger, StartGathering } from './start-gathering.js';
export { MAX_WAITING_TRIGGERS } from './start-gathering.js';
export { inMigrationTransaction } from './persistence/migrations.js';
export { readState, StateFormatError } from './persistence/state-format.js';
export type { TaskChangeset, TaskDataCheck } from './task-operations.js';
export type { ExecutorOptions } from './jobs/executor.js';
export type { DeployIssue, EmbeddedForm, ProcessModel } from './model/types.js';
export type {
  HistoryType,
  InstanceStatus,
  JobResult,
  JsonValue,
  TaskCorrections,
  Variables,
} from './runtime/types.js';
export {
  type Absence,
  type AbsenceFilter,
  type AbsenceInput,
  AbsenceNotFoundError,
  ASSIGNMENT_HEADER,
  type AssignmentStrategy,
  CANDIDATE_USERS_ONLY,
  type MemberLoad,
  MAX_SUBSTITUTION_HOPS,
  parseAssignmentStrategy,
  type Substitution,
  type TeamDirectory,
  type TeamMember,
} from './teams/index.js';
export {
  type BusinessCalendar,
  CALENDAR_LIMITS,
  type CalendarDay,
  type CalendarIssue,
  checkCalendar,
  MAX_SEARCH_DAYS,
  type WorkingHours,
  WorkingTime,
  WorkingTimeError,
} from './calendar/calendar.js';
export { CALENDAR_PROPERTY } from './calendar/property.js';
export { CN_CALENDAR, DEFAULT_CALENDAR } from './calendar/seeds.js';
export { CalendarInvalidError, CalendarNotFoundError, type StoredCalendar } from './calendar/store.js';
