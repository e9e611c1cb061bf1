import type { WorkingTime } from '../calendar/calendar.js';
import type { DeployedDecision } from '../dmn/types.js';
import type { ProcessModel } from '../model/types.js';

/**
 * The runtime's contract: `step(model, state, command, ctx) -> { state, effects }`.
 *
 * `step` is pure and deterministic: no I/O, no clock, no randomness. Time and ids come in through
 * `StepContext`; everything that must happen outside the instance row (user task rows, jobs,
 * subscriptions, history, child instances) goes out as `Effect`s, which the engine shell applies
 * in the same database transaction that saves the new state.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Variables = Record<string, JsonValue>;

/** Why a token is parked at an element; the id links it to a task, job or subscription row. */
export type TokenWait =
  | { readonly kind: 'userTask'; readonly taskId: string }
  | { readonly kind: 'job'; readonly jobId: string }
  | { readonly kind: 'timer'; readonly jobId: string }
  | { readonly kind: 'message'; readonly subscriptionId: string }
  | {
      readonly kind: 'signal';
      readonly subscriptionId: string;
      /** The name subscribed to, so a signal thrown in this instance finds it within the step. */
      readonly signalName?: string;
    }
  /** Event-based gateway: waits on the catch events after it. */
  | { readonly kind: 'eventGateway' }
  /** Multiple catch event: waits for the first of its events (one trigger each in `Token.boundary`). */
  | { readonly kind: 'anyEvent' }
  /** Conditional intermediate catch event: waits until its condition holds (runtime/conditions.ts). */
  | { readonly kind: 'condition' }
  | { readonly kind: 'childInstance'; readonly childInstanceId: string }
  /** Subprocess / multi-instance body: waits for its child scope to finish. */
  | { readonly kind: 'scope'; readonly scopeId: string }
  /**
   * Parallel / inclusive / complex join: arrived, waiting for siblings. `resetAfter` marks the
   * token that keeps a complex gateway waiting for reset: the incoming flows it consumed tokens
   * from when it activated (it has no flow it arrived by).
   */
  | { readonly kind: 'join'; readonly resetAfter?: readonly string[] }
  /** Waiting for the job of an execution or task listener (runtime/listeners.ts). */
  | { readonly kind: 'listener'; readonly jobId: string; readonly listener: PendingListener }
  | {
      readonly kind: 'incident';
      readonly incidentId: string;
      /** A listener failed (its job ran out of retries, or its type did not evaluate): the retry runs it again. */
      readonly listener?: PendingListener;
      /**
       * 'complete': the element had finished and failed while completing (output mappings); a retry
       * resumes there. 'leave': it had completed and no outgoing flow could be taken; a retry
       * evaluates the flows' conditions again.
       */
      readonly retry?: 'complete' | 'leave';
      /** The completion variables to resume with when `retry` is 'complete'. */
      readonly variables?: Variables;
    };

/**
 * Where an element stands in its listeners: which event, and the listener (by position in the
 * model) whose job runs now. A completion waiting for `completing` task listeners keeps the task
 * and the variables it completes with; task listeners collect their corrections as they go.
 */
export interface PendingListener {
  readonly event: 'start' | 'end' | 'creating' | 'assigning' | 'updating' | 'completing';
  readonly index: number;
  readonly taskId?: string;
  readonly variables?: Variables;
  readonly corrections?: TaskCorrections;
  /** `assigning`: the change of assignee that waits for the listeners. */
  readonly assignment?: PendingAssignment;
  /** `updating`: the change of the task's data that waits for the listeners. */
  readonly update?: PendingUpdate;
  /**
   * The process's listeners: `start`, the token waits at the start event, which runs after them;
   * `end`, the instance has run out of tokens and a token waits at the element that ended last,
   * the instance ends after them (`runtime/flow.ts`).
   */
  readonly process?: true;
  /** `end` of the process reached by a terminate end event: the instance ends terminated. */
  readonly terminate?: true;
  /** `start` of an event subprocess: the start event that fired and its variables, entered once the listeners are done. */
  readonly eventStart?: { readonly startEventId: string; readonly variables: Variables };
  /**
   * `start` of an element entered with its event already happened (the event after an event-based
   * gateway, or the element a message started the instance at): the event's variables, with which
   * it completes once its start listeners are done (`runtime/listeners.ts`).
   */
  readonly trigger?: Variables;
  /**
   * `start` of the process when a message started it at an instantiating receive task or after an
   * instantiating event-based gateway: that element, entered with the message once the process's
   * start listeners are done (`runtime/instantiate.ts`).
   */
  readonly messageStartId?: string;
}

/**
 * An assignee change waiting for the task's assigning listeners: the columns it sets when they
 * agree (a listener may correct the assignee), and the history event it then records.
 */
export interface PendingAssignment {
  readonly assignee: string | null;
  readonly owner: string | null;
  readonly delegated: boolean;
  /** Zeebe's action header: `assign`, `claim` or `unassign`. */
  readonly action: 'assign' | 'claim' | 'unassign';
  /** The history event recorded when the change takes effect (`task.claimed`, `task.assigned`, ...). */
  readonly history: { readonly type: HistoryType; readonly data?: Readonly<Record<string, JsonValue>> };
}

/**
 * A change of a task's dates, priority or candidates waiting for the task's updating listeners
 * (Zeebe's "update user task"): the fields asked for, the task as it was (for the listeners'
 * headers), and who asked. The policy has allowed it already.
 */
export interface PendingUpdate {
  /** The changeset: an absent field stays, '' clears a date, an empty list clears candidates. */
  readonly changes: TaskCorrections;
  /** The task's data before the change, as Zeebe's headers carry it (ISO dates). */
  readonly before: {
    readonly assignee: string | null;
    readonly candidateUsers: readonly string[];
    readonly candidateGroups: readonly string[];
    readonly dueDate: string | null;
    readonly followUpDate: string | null;
    readonly priority: number;
    readonly formId: string | null;
  };
  /** History's actor of the request (the listeners' jobs complete as a worker). */
  readonly requestedBy: string | null;
}

/**
 * A task listener's corrections (Zeebe's job result `corrections`): an absent field stays as it
 * is; an empty string clears the assignee or a date, an empty list clears candidates.
 */
export interface TaskCorrections {
  readonly assignee?: string;
  readonly candidateUsers?: readonly string[];
  readonly candidateGroups?: readonly string[];
  /** ISO 8601 date-time, or '' to clear. */
  readonly dueDate?: string;
  readonly followUpDate?: string;
  readonly priority?: number;
}

/** What a worker reports with a listener job besides variables (Zeebe's job result). */
export interface JobResult {
  /** Task listeners of `completing`: refuse the completion; the task stays open. */
  readonly denied?: boolean;
  readonly deniedReason?: string;
  readonly corrections?: TaskCorrections;
}

/** A timer job, message/signal subscription or condition (neither job nor subscription) held for a boundary event, event-gateway target or event subprocess start. */
export interface TriggerEntry {
  /** The boundary event, the catch event after an event-based gateway, or the event subprocess start event. */
  readonly elementId: string;
  readonly jobId?: string;
  readonly subscriptionId?: string;
  /** Multiple events: which of the element's event definitions this entry waits for (its index). */
  readonly definition?: number;
  /** Signal subscriptions: the name subscribed to, so a signal thrown in this instance finds it within the step. */
  readonly signalName?: string;
  /** Timers: when the current job is due (ISO), so a cycle can compute its next occurrence. */
  readonly dueAt?: string;
  /** Cycle timers: repetitions left after the current one (null = unbounded). */
  readonly remaining?: number | null;
  /** Parallel multiple events: this definition has happened (its job or subscription is gone). */
  readonly fired?: true;
  /** Parallel multiple events: the variables its occurrence brought, applied when the last one happens. */
  readonly variables?: Variables;
  /** Conditional events: the condition held at the last evaluation (non-interrupting ones fire on the next turn from false to true). */
  readonly met?: boolean;
  /** Conditional events: the open incident of a condition that failed to evaluate; not evaluated until it is retried. */
  readonly incidentId?: string;
}

/** A token parked at an element (tokens only exist while waiting; moving ones live inside one step). */
export interface Token {
  readonly id: string;
  readonly elementId: string;
  readonly scopeId: string;
  /** The flow the token arrived by (joins count these). */
  readonly arrivedBy?: string;
  readonly wait: TokenWait;
  /** Ids of boundary-event jobs/subscriptions attached while the token is in an activity. */
  readonly boundary?: readonly TriggerEntry[];
  /** Multi-instance: this token's index (1-based loopCounter) within its body. */
  readonly loopCounter?: number;
  /**
   * A multiple throw or end event waiting for the compensation handlers one of its definitions
   * started: where its list goes on afterwards (absent in states written before, and otherwise).
   */
  readonly multipleThrow?: MultipleThrowProgress;
}

/** The definitions of a multiple throw or end event still to throw once its compensation is done. */
export interface MultipleThrowProgress {
  /** The index (in document order) of the definition thrown next. */
  readonly next: number;
  /** The event's completion variables (its job's), carried to its completion and to an error definition. */
  readonly variables?: Variables;
}

/** A variable scope: the process, a subprocess, a multi-instance body or iteration, an activity's io scope. */
export interface Scope {
  readonly id: string;
  /** Process id, subprocess id, or activity id for an activity-local scope. */
  readonly elementId: string;
  readonly parentScopeId: string | null;
  /** The token in the parent scope that this scope belongs to (absent for the root). */
  readonly ownerTokenId?: string;
  readonly variables: Variables;
  /** Multi-instance body bookkeeping. */
  readonly multiInstance?: {
    readonly items: readonly JsonValue[];
    readonly nextIndex: number;
    readonly active: number;
    readonly completed: number;
    readonly outputs: readonly JsonValue[];
  };
  /** Flow scopes: timer jobs and subscriptions of the event subprocesses listening while the scope runs. */
  readonly listeners?: readonly TriggerEntry[];
}

/**
 * The persisted execution state of one instance: explicit, typed and small (no queues, no
 * internal dumps). Stored as JSON in `instances.state`; see engine/README.md for the lifecycle.
 */
/** The format of persisted instance state that this engine writes (see persistence/state-format.ts). */
export const CURRENT_STATE_FORMAT = 2;

export interface InstanceState {
  /** Absent in states written before formats were recorded (format 1); read through `readState`. */
  readonly format?: typeof CURRENT_STATE_FORMAT;
  readonly status: InstanceStatus;
  readonly scopes: readonly Scope[];
  readonly tokens: readonly Token[];
  /** Elements that completed at least once, for the diagram's "path taken" (ids, in order of first completion). */
  readonly completedElementIds: readonly string[];
  /** Flows taken at least once. */
  readonly takenFlowIds: readonly string[];
  /** Set when a call activity started this instance: completion and uncaught errors are reported upwards. */
  readonly parentInstanceId?: string;
  /** Completed activities a compensation throw may still compensate (absent: none; states written before read unchanged). */
  readonly compensations?: readonly CompensationRecord[];
}

/**
 * One completion of a compensable activity: an activity with a compensation handler, or an
 * embedded subprocess (transaction) whose own activities left records. Removed when compensated,
 * so each completion is compensated once.
 */
export interface CompensationRecord {
  readonly id: string;
  /** The activity that completed. */
  readonly elementId: string;
  /** The flow scope it completed in (a multi-instance iteration: the scope around the activity). */
  readonly scopeId: string;
  /** Subprocesses: the flow scope they ran, which the records of their inner activities name. */
  readonly innerScopeId?: string;
  /** The local variables the handler sees: a multi-instance iteration's, or the subprocess's it ran in. */
  readonly variables?: Variables;
}

export type InstanceStatus = 'active' | 'completed' | 'terminated' | 'cancelled';

export interface StepContext {
  readonly now: Date;
  /** Fresh unique id (uuid). */
  newId(): string;
  readonly instanceId: string;
  /** Look up another deployed process (latest version) for call activities; undefined if none. */
  findProcess?(processId: string): ProcessModel | undefined;
  /** Look up the latest deployed version of a DMN decision for business rule tasks; undefined if none. */
  findDecision?(decisionId: string): DeployedDecision | undefined;
  /** A business calendar by id, for elements that count working time; undefined if none. */
  findCalendar?(calendarId: string): WorkingTime | undefined;
  /** The calendar id an admin set for a group (docs/TEAMS.md, "Working hours"); undefined: none. */
  findGroupCalendar?(group: string): string | undefined;
}

export type Command =
  | {
      readonly type: 'start';
      readonly startEventId?: string;
      readonly variables: Variables;
      /** The calling instance, when a call activity starts this one (from the `child.start` effect). */
      readonly parentInstanceId?: string;
      /** The triggers of the parallel multiple start event's gathering that start it, in arrival order. */
      readonly gathered?: readonly {
        readonly kind: string;
        readonly definition: number;
        readonly name: string | null;
        readonly correlationKey: string | null;
        readonly arrivedAt: string;
      }[];
    }
  | { readonly type: 'task.complete'; readonly taskId: string; readonly variables: Variables }
  /** 驳回: send the token at this task back to an earlier user task of the same instance. */
  | { readonly type: 'task.return'; readonly taskId: string; readonly targetElementId: string }
  /**
   * A change of a task's assignee that its `assigning` listeners must first agree to (claim,
   * unclaim, assign, hand-off to a user, delegation, release). The policy has allowed it already.
   */
  | { readonly type: 'task.assign'; readonly taskId: string; readonly assignment: PendingAssignment }
  /**
   * Zeebe's "update user task" on a task whose `updating` listeners must first agree (dates,
   * priority, candidates). The policy has allowed it already; a task without such listeners is
   * changed by the task operations directly.
   */
  | { readonly type: 'task.change'; readonly taskId: string; readonly update: PendingUpdate }
  | {
      readonly type: 'job.complete';
      readonly jobId: string;
      readonly variables: Variables;
      /** Listener jobs: deny a task transition or correct the task (task listeners only). */
      readonly result?: JobResult;
    }
  /** A worker threw a BPMN error: a runtime event that boundary events and event subprocesses catch. */
  | {
      readonly type: 'job.error';
      readonly jobId: string;
      readonly errorCode: string;
      readonly errorMessage?: string;
      readonly variables: Variables;
    }
  /** Retries ran out: park the token in an incident. */
  | { readonly type: 'job.incident'; readonly jobId: string; readonly message: string }
  | { readonly type: 'timer.fire'; readonly jobId: string }
  | { readonly type: 'message.correlate'; readonly subscriptionId: string; readonly variables: Variables }
  | { readonly type: 'signal.receive'; readonly subscriptionId: string; readonly variables: Variables }
  | {
      readonly type: 'child.completed';
      readonly childInstanceId: string;
      readonly variables: Variables;
    }
  /** An error or escalation that a called child did not catch travels up to the call activity. */
  | {
      readonly type: 'child.thrown';
      readonly childInstanceId: string;
      readonly kind: 'error' | 'escalation';
      readonly code: string;
      readonly variables: Variables;
    }
  | { readonly type: 'instance.cancel' }
  | { readonly type: 'variables.set'; readonly scopeId?: string; readonly variables: Variables }
  | { readonly type: 'incident.retry'; readonly incidentId: string }
  /**
   * Token modification (a manager's repair): terminate every active instance of the `cancel`
   * elements, then start a token before each `startBefore` element, with variables set in the
   * scope it starts in. Recorded in history with the reason.
   */
  | {
      readonly type: 'instance.modify';
      readonly cancel: readonly string[];
      readonly startBefore: readonly { readonly elementId: string; readonly variables?: Variables }[];
      readonly reason?: string;
    }
  /**
   * Start inner elements of a running ad-hoc subprocess (named by element id or by its token id),
   * with variables set in its scope first.
   */
  | {
      readonly type: 'adhoc.activate';
      readonly adHocSubProcess: string;
      readonly elementIds: readonly string[];
      readonly variables?: Variables;
    };

export interface NewUserTask {
  readonly id: string;
  readonly elementId: string;
  readonly tokenId: string;
  readonly name: string;
  readonly assignee: string | null;
  readonly candidateUsers: readonly string[];
  readonly candidateGroups: readonly string[];
  readonly dueAt: Date | null;
  readonly followUpAt: Date | null;
  readonly priority: number;
  readonly formId: string | null;
  /** The variables the form opens with (the task's input scope, flattened). */
  readonly variables: Variables;
  /** 'assigning': created without its assignee, which its assigning listeners must first agree to. */
  readonly state?: 'assigning';
}

export interface NewJob {
  readonly id: string;
  readonly kind: 'timer' | 'service';
  readonly elementId: string;
  readonly tokenId: string;
  /** When the job may run; null = now. */
  readonly dueAt: Date | null;
  /** Service jobs: the worker type. */
  readonly jobType?: string;
  readonly retries: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Variables handed to the worker. */
  readonly variables?: Variables;
  /** Cycle timers: repetitions left after this one (null = forever) and the source to compute the next. */
  readonly cycle?: { readonly remaining: number | null; readonly expression: string };
  /** Listener jobs: which kind of listener and its event type (shown on the job). */
  readonly listener?: { readonly kind: 'executionListener' | 'taskListener'; readonly eventType: string };
}

export interface HistoryRecord {
  readonly type: HistoryType;
  readonly elementId?: string;
  readonly tokenId?: string;
  readonly taskId?: string;
  readonly data?: Variables;
}

export type HistoryType =
  | 'instance.started'
  | 'instance.completed'
  | 'instance.terminated'
  | 'instance.cancelled'
  | 'instance.modified'
  | 'element.entered'
  | 'element.completed'
  | 'element.terminated'
  | 'flow.taken'
  | 'variables.changed'
  | 'task.created'
  | 'task.completed'
  | 'task.cancelled'
  | 'task.returned'
  | 'error.thrown'
  | 'escalation.thrown'
  | 'signal.thrown'
  | 'incident.raised'
  | 'incident.resolved'
  /** A business rule task evaluated a DMN decision: which version, the rules that matched, the result. */
  | 'decision.evaluated'
  /** A completion waits for the task's completing listeners. */
  | 'task.completing'
  /** A completing listener denied the completion: the task stays open (`data.reason`). */
  | 'task.completionDenied'
  /** An assignee change waits for the task's assigning listeners (`data`: the assignee asked for). */
  | 'task.assigning'
  /** Assignee changes that took effect once the task's assigning listeners agreed (else task operations write them). */
  | 'task.claimed'
  | 'task.unclaimed'
  | 'task.assigned'
  | 'task.handedOff'
  | 'task.delegated'
  /** An assigning listener denied the change: the assignee stays (`data.reason`). */
  | 'task.assignmentDenied'
  /** A change of the task's data waits for its updating listeners (`data.changes`: what was asked). */
  | 'task.updating'
  /** The task's dates, priority or candidates changed (`data.changes`, `requestedBy` when listeners ran). */
  | 'task.updated'
  /** An updating listener denied the change: the task stays as it was (`data.reason`, `data.changes`). */
  | 'task.updateDenied'
  /** A listener's job completed (`data`: event, listener position, job type). */
  | 'listener.completed'
  /** A compensation throw started a handler: `elementId` the activity compensated, `data.handlerId` its handler. */
  | 'compensation.started'
  /** A transaction was cancelled by a cancel end event: `elementId` the transaction, `data.endEventId`. */
  | 'transaction.cancelled';

export type Effect =
  | { readonly type: 'task.create'; readonly task: NewUserTask }
  | { readonly type: 'task.cancel'; readonly taskId: string }
  /**
   * A task's state or data changes outside creation and cancellation: a completion waiting for
   * its listeners (`completing`), finished (`completed`) or denied (`created` again), with the
   * listeners' corrections.
   */
  | {
      readonly type: 'task.update';
      readonly taskId: string;
      readonly state?: 'created' | 'assigning' | 'updating' | 'completing' | 'completed';
      readonly corrections?: TaskCorrections;
      /** An assignee change its assigning listeners agreed to also sets the delegation columns. */
      readonly delegation?: { readonly owner: string | null; readonly delegated: boolean };
    }
  | { readonly type: 'job.create'; readonly job: NewJob }
  | { readonly type: 'job.cancel'; readonly jobId: string }
  | {
      readonly type: 'message.subscribe';
      readonly subscriptionId: string;
      readonly messageName: string;
      readonly correlationKey: string | null;
      readonly elementId: string;
      readonly tokenId: string;
    }
  | { readonly type: 'message.unsubscribe'; readonly subscriptionId: string }
  | {
      readonly type: 'signal.subscribe';
      readonly subscriptionId: string;
      readonly signalName: string;
      readonly elementId: string;
      readonly tokenId: string;
    }
  | { readonly type: 'signal.unsubscribe'; readonly subscriptionId: string }
  /**
   * Broadcast to every subscription and signal start event, after this step's state is saved.
   * `otherInstancesOnly`: the throwing instance's own catch events already got it inside the step.
   */
  | {
      readonly type: 'signal.broadcast';
      readonly signalName: string;
      readonly variables: Variables;
      readonly otherInstancesOnly?: boolean;
    }
  | {
      readonly type: 'child.start';
      readonly childInstanceId: string;
      readonly processId: string;
      readonly variables: Variables;
      readonly parentTokenId: string;
    }
  | { readonly type: 'child.cancel'; readonly childInstanceId: string }
  /** This instance is a called child that finished: report to the parent (engine knows the parent). */
  | {
      readonly type: 'parent.notify';
      readonly command: Extract<Command, { type: 'child.completed' | 'child.thrown' }>;
    }
  | {
      readonly type: 'incident.raise';
      readonly incidentId: string;
      readonly elementId: string;
      readonly tokenId: string;
      readonly incidentType:
        | 'condition'
        | 'expression'
        | 'job'
        | 'unhandledError'
        | 'calledElement'
        | 'calledDecision'
        | 'decisionEvaluation';
      readonly message: string;
      readonly jobId?: string;
    }
  | { readonly type: 'incident.resolve'; readonly incidentId: string }
  | { readonly type: 'history'; readonly record: HistoryRecord };

export interface StepResult {
  readonly state: InstanceState;
  readonly effects: readonly Effect[];
}
