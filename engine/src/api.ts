import type { DeployIssue, EmbeddedForm } from './model/types.js';
import type { HistoryType, InstanceStatus, JsonValue, Variables } from './runtime/types.js';

/**
 * The engine's public surface as the server and workers see it. `Engine` (engine.ts) implements
 * this; every method that changes state is one database transaction.
 */

/** Who did it; recorded in history. `null` = the engine itself (timers, jobs). */
export type Actor = string | null;

export interface DefinitionSummary {
  readonly id: string;
  readonly processId: string;
  readonly version: number;
  readonly name: string | null;
  readonly hash: string;
  readonly deployedAt: Date;
  readonly deployedBy: Actor;
  readonly formIds: readonly string[];
}

export interface DeployResult {
  /** One per executable process in the file; `isNew` false when identical content was deployed before. */
  readonly definitions: readonly (DefinitionSummary & { readonly isNew: boolean })[];
  /** Accepted but ignored (foreign-namespace attributes, unresolved type references, …). */
  readonly warnings: readonly DeployIssue[];
}

/** `correlateMessage`: the instance the message reached or started. */
export interface MessageCorrelation {
  /**
   * The instance; null when a parallel multiple start event gathered the message and still waits
   * for its other triggers (`engine.listStartGatherings`).
   */
  readonly instanceId: string | null;
  /** Set when a parallel multiple start event gathered the message (whether or not it started). */
  readonly gathered?: { readonly processId: string; readonly startEventId: string };
}

export interface InstanceSummary {
  readonly id: string;
  readonly definitionId: string;
  readonly processId: string;
  readonly version: number;
  readonly status: InstanceStatus;
  readonly businessKey: string | null;
  readonly startedAt: Date;
  readonly startedBy: Actor;
  readonly endedAt: Date | null;
  readonly parentInstanceId: string | null;
  readonly openIncidents: number;
}

export interface InstanceDetail extends InstanceSummary {
  /** Root scope variables. */
  readonly variables: Variables;
  /** Element id -> number of tokens parked there. */
  readonly activeElements: Readonly<Record<string, number>>;
  readonly completedElementIds: readonly string[];
  readonly takenFlowIds: readonly string[];
  readonly incidents: readonly Incident[];
  /** Optimistic-lock version of the instance row. */
  readonly revision: number;
}

/**
 * `completing`: a completion waits for the task's completing listeners; `assigning`: a change of
 * its assignee waits for its assigning listeners; `updating`: a change of its dates, priority or
 * candidates waits for its updating listeners.
 */
export type TaskState = 'created' | 'assigning' | 'updating' | 'completing' | 'completed' | 'cancelled';

export interface Task {
  readonly id: string;
  readonly instanceId: string;
  readonly definitionId: string;
  readonly processId: string;
  readonly elementId: string;
  readonly name: string;
  readonly state: TaskState;
  readonly assignee: string | null;
  /** Delegation: who keeps responsibility while `assignee` (the delegate) works on it. */
  readonly owner: string | null;
  readonly delegated: boolean;
  readonly candidateUsers: readonly string[];
  readonly candidateGroups: readonly string[];
  readonly dueAt: Date | null;
  readonly followUpAt: Date | null;
  readonly priority: number;
  readonly formId: string | null;
  readonly variables: Variables;
  /** Saved but not submitted form data. */
  readonly draft: Variables | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
  readonly completedBy: Actor;
  /**
   * Creation order across all tasks: assigned by the database when the row is inserted, strictly
   * increasing, so of two tasks the one with the smaller sequence was created first even when
   * both carry the same `createdAt` (one millisecond, or one transaction). Gaps are possible.
   */
  readonly sequence: number;
  /** Set when this task was created by returning (驳回) a later task to it: who, from where, why. */
  readonly returnedFrom: TaskReturn | null;
}

/** Why a task exists again: a later task was returned (驳回) to its step. */
export interface TaskReturn {
  /** The task that was returned (now cancelled). */
  readonly taskId: string;
  /** That task's element. */
  readonly elementId: string;
  /** Who returned it (`null`: the engine or an anonymous embedding call). */
  readonly by: Actor;
  readonly reason: string;
  readonly at: Date;
}

export interface TaskFilter {
  readonly assignee?: string;
  /** Tasks this user may see: assigned to them, or unassigned and claimable by them or their groups. */
  readonly visibleTo?: { readonly user: string; readonly groups: readonly string[] };
  /** Unassigned tasks claimable by this user or these groups. */
  readonly claimableBy?: { readonly user: string; readonly groups: readonly string[] };
  readonly instanceId?: string;
  readonly processId?: string;
  /** Tasks of this BPMN element (the user task's id in the diagram). */
  readonly elementId?: string;
  readonly state?: TaskState;
  readonly dueBefore?: Date;
  /** Due before `now` and still open. */
  readonly overdue?: boolean;
  /** Case-insensitive substring of the task name. */
  readonly text?: string;
  /** Priority at least / at most this (inclusive). */
  readonly priorityMin?: number;
  readonly priorityMax?: number;
  /**
   * Task variables with these values, compared as text (`{ region: 'north', amount: '1200' }`
   * matches `amount: 1200`): the inbox filters by its headline variables this way.
   */
  readonly variables?: Readonly<Record<string, string>>;
  /** `created`: newest first; `sequence`: oldest first, in creation order. */
  readonly sort?: 'due' | 'priority' | 'created' | 'sequence';
  readonly limit?: number;
  readonly offset?: number;
}

export interface InstanceFilter {
  readonly processId?: string;
  readonly definitionId?: string;
  readonly status?: InstanceStatus;
  readonly startedAfter?: Date;
  readonly startedBefore?: Date;
  /** Instances with an open task past its due date. */
  readonly overdue?: boolean;
  /** Instances in which any of these users took part (started or has/had a task). */
  readonly participant?: string;
  /** Instances this actor started (a user's stable id); a read-only filter for "my requests". */
  readonly startedBy?: string;
  /** Child instances started by call activities of this instance. */
  readonly parentInstanceId?: string;
  readonly text?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
}

export interface HistoryEvent {
  /** `<instanceId>:<seq>`: stable, and unique across instances. */
  readonly id: string;
  readonly instanceId: string;
  /** Monotonic per instance. */
  readonly seq: number;
  readonly at: Date;
  readonly type: HistoryType | TaskHistoryType;
  readonly elementId: string | null;
  readonly taskId: string | null;
  readonly actor: Actor;
  readonly data: Record<string, JsonValue> | null;
}

/** Task operations that do not move tokens but are recorded. */
export type TaskHistoryType =
  | 'task.claimed'
  | 'task.unclaimed'
  /** A manager reassigned the task (`data.from`, `data.to`). */
  | 'task.assigned'
  | 'task.handedOff'
  | 'task.delegated'
  | 'task.resolved'
  | 'task.commented'
  | 'task.draftSaved'
  /** A manager moved the instance to another version (`data.from`, `data.to`, `data.elementMap`). */
  | 'instance.migrated';

/** An external worker's fetch-and-lock: one job type, its worker id and lease, what it wants to see. */
export interface FetchRequest {
  readonly type: string;
  readonly workerId: string;
  readonly maxJobs?: number;
  readonly lockMs?: number;
  /** Variables the worker needs besides those its task's input mappings give. */
  readonly fetchVariables?: readonly string[];
}

export interface Job {
  readonly id: string;
  readonly instanceId: string | null;
  readonly definitionId: string;
  readonly elementId: string;
  readonly kind: 'timer' | 'timerStart' | 'service';
  readonly jobType: string | null;
  readonly dueAt: Date;
  readonly retries: number;
  readonly attempts: number;
  readonly lockedBy: string | null;
  readonly lockedUntil: Date | null;
  readonly lastError: string | null;
  readonly variables: Variables;
  readonly headers: Readonly<Record<string, string>>;
  /** Listener jobs: which listener the job serves (an execution listener's start/end, a task listener's event). */
  readonly listener: {
    readonly kind: 'executionListener' | 'taskListener';
    readonly eventType: string;
  } | null;
}

export interface Incident {
  readonly id: string;
  readonly instanceId: string;
  readonly processId: string;
  readonly elementId: string;
  readonly type: string;
  readonly message: string;
  readonly jobId: string | null;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
}

/** Incidents across instances, for operators. Every filter narrows; dates bound `createdAt`. */
export interface IncidentFilter {
  readonly instanceId?: string;
  readonly processId?: string;
  readonly elementId?: string;
  /** Case-insensitive substring of the incident's message (the error text). */
  readonly errorText?: string;
  /** Raised before this instant (older than). */
  readonly createdBefore?: Date;
  /** Raised at or after this instant (younger than). */
  readonly createdAfter?: Date;
  /** Open only (default), resolved only (`false`), or both (`null`). */
  readonly open?: boolean | null;
  readonly limit?: number;
  readonly offset?: number;
}

/** What an operator's job list shows: `ready` to be claimed, `locked` by a worker now, or `failed` (no retries left). */
export type JobState = 'ready' | 'locked' | 'failed';

/** Jobs for operators; listing never locks or changes a job. */
export interface JobFilter {
  /** The service task's job type. */
  readonly type?: string;
  readonly processId?: string;
  readonly instanceId?: string;
  readonly state?: JobState;
  readonly limit?: number;
  readonly offset?: number;
}

/** The outcome of a bulk incident retry: one entry per instance, each retried in its own transaction. */
export interface BulkRetryReport {
  /** Open incidents matching the filter (and visible to the caller) before the retry. */
  readonly matched: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly results: readonly BulkRetryResult[];
}

export type BulkRetryResult =
  | { readonly instanceId: string; readonly incidentIds: readonly string[]; readonly ok: true }
  | {
      readonly instanceId: string;
      readonly incidentIds: readonly string[];
      readonly ok: false;
      /** The engine error's code (e.g. `CONCURRENCY_CONFLICT`, `FORBIDDEN`). */
      readonly code: string;
      readonly message: string;
    };

/** An in-process service-task handler. Runs outside any transaction, at least once per job. */
// biome-ignore lint/suspicious/noConfusingVoidType: handlers that return nothing are the common case.
export type JobHandler = (job: Job) => Promise<Variables | undefined | void> | Variables | undefined | void;

/** Thrown by a JobHandler to raise a BPMN error that boundary events catch. */
export class BpmnError extends Error {
  constructor(
    readonly errorCode: string,
    message = errorCode,
    readonly variables: Variables = {},
  ) {
    super(message);
    this.name = 'BpmnError';
  }
}

export interface DeployOptions {
  readonly actor?: Actor;
  /**
   * Called before anything is saved; may add problems (the server checks that forms exist, and
   * checks and saves the converted embedded Camunda Forms, whose ids are among `formIds`).
   */
  readonly extraChecks?: (
    processes: readonly {
      processId: string;
      formIds: readonly string[];
      embeddedForms?: readonly EmbeddedForm[];
    }[],
  ) => Promise<readonly DeployIssue[]>;
}

export interface KpiSummary {
  readonly processId: string;
  readonly running: number;
  readonly completed: number;
  readonly avgCycleMs: number | null;
  readonly p90CycleMs: number | null;
  /** The calendar working time is counted in: the process's `baton:calendar`, else `default`. */
  readonly calendarId: string | null;
  /** Average cycle time in working time (recent completed instances); null without a calendar or any. */
  readonly avgWorkingCycleMs: number | null;
  readonly overdueTasks: number;
  readonly escalations: number;
  readonly workload: readonly {
    readonly assignee: string | null;
    readonly group: string | null;
    readonly open: number;
  }[];
  /** Average time spent per element (ms), for the heat map. */
  readonly timePerElement: Readonly<Record<string, number>>;
}
