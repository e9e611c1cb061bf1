/**
 * The compiled, validated, readonly shape of one executable BPMN process.
 *
 * `compile()` turns bpmn-moddle's tree (with Zeebe extensions) into this; the runtime only ever
 * reads this shape, never moddle objects, so it can be cached per definition and shared by every
 * instance. Expressions are kept as source text (FEEL, without the leading `=`) plus a flag: the
 * compiler has already checked that each one parses.
 */

/** A value that is either a static string or a FEEL expression (Zeebe's `=expr` convention). */
export type Expr =
  | { readonly feel: false; readonly value: string }
  | { readonly feel: true; readonly source: string };

/** Element kinds the engine executes; moddle names. Anything else is rejected at deploy. */
export const ELEMENT_KINDS = [
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:BoundaryEvent',
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:ReceiveTask',
  'bpmn:ManualTask',
  'bpmn:Task',
  'bpmn:ScriptTask',
  'bpmn:BusinessRuleTask',
  'bpmn:SubProcess',
  'bpmn:CallActivity',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:EventBasedGateway',
  'bpmn:ComplexGateway',
  'bpmn:AdHocSubProcess',
] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];

export type TimerDefinition =
  | { readonly type: 'date'; readonly expr: Expr }
  | { readonly type: 'duration'; readonly expr: Expr }
  /** ISO 8601 repeating interval (`R3/PT10M`, `R/2026-01-01T09:00:00Z/P1D`) or, on start events, a cron expression. */
  | { readonly type: 'cycle'; readonly expr: Expr };

export type EventDefinition =
  | { readonly kind: 'none' }
  | { readonly kind: 'message'; readonly messageName: Expr; readonly correlationKey?: Expr }
  | { readonly kind: 'timer'; readonly timer: TimerDefinition }
  | { readonly kind: 'signal'; readonly signalName: Expr }
  /** errorCode undefined on a catch event means "catch every error". */
  | { readonly kind: 'error'; readonly errorCode?: string }
  | { readonly kind: 'escalation'; readonly escalationCode?: string }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'link'; readonly linkName: string }
  /**
   * Compensation throw (intermediate or end): `activityRef` compensates that activity, none every
   * completed activity of the scope. Compensation boundary: marks the activity as compensable.
   */
  | { readonly kind: 'compensate'; readonly activityRef?: string }
  /** Cancel end event inside a transaction, cancel boundary event on a transaction. */
  | { readonly kind: 'cancel' }
  /**
   * A FEEL condition over the variables visible to the event (see runtime/conditions.ts);
   * `filter` (`zeebe:conditionalFilter`) narrows which variable changes evaluate it again.
   */
  | { readonly kind: 'conditional'; readonly condition: Expr; readonly filter?: ConditionalFilter };

/**
 * `zeebe:conditionalFilter`: the condition is evaluated again only when a variable change in the
 * event's scope matches: one of `variableNames` (when given) changed, by a kind of change in
 * `variableEvents` (when given). Evaluation on arrival or activation is not filtered.
 */
export interface ConditionalFilter {
  readonly variableNames?: readonly string[];
  readonly variableEvents?: readonly ('create' | 'update')[];
}

export interface Mapping {
  /** FEEL source or static string. */
  readonly source: Expr;
  /** Target variable name; may be a dotted path (`a.b`). */
  readonly target: string;
}

export interface IoMapping {
  readonly inputs: readonly Mapping[];
  readonly outputs: readonly Mapping[];
}

export interface MultiInstance {
  readonly kind: 'multiInstance';
  readonly sequential: boolean;
  readonly inputCollection: Expr;
  readonly inputElement?: string;
  readonly outputCollection?: string;
  readonly outputElement?: Expr;
  readonly completionCondition?: Expr;
}

/** `bpmn:standardLoopCharacteristics`: repeat while the condition holds (tested after, by default). */
export interface StandardLoop {
  readonly kind: 'standardLoop';
  readonly condition?: Expr;
  readonly testBefore: boolean;
  readonly maximum?: number;
}

export interface UserTaskSpec {
  readonly assignee?: Expr;
  /** Comma-separated list or FEEL list. */
  readonly candidateGroups?: Expr;
  readonly candidateUsers?: Expr;
  readonly dueDate?: Expr;
  readonly followUpDate?: Expr;
  readonly priority?: Expr;
  /** `zeebe:formDefinition formId`. */
  readonly formId?: string;
  /** `zeebe:formDefinition externalReference`: where the task list finds a form kept elsewhere (a URL, a key). */
  readonly externalReference?: Expr;
  /** The lane's name, used as candidate group when no assignment is given. */
  readonly laneName?: string;
  /** `zeebe:taskListeners`, by event (8.7 names read as their 8.8 equivalents), in model order. */
  readonly taskListeners?: TaskListeners;
}

/** One `zeebe:executionListener` or `zeebe:taskListener`: a job of `type` with `retries` (both may be FEEL). */
export interface ListenerSpec {
  readonly type: Expr;
  readonly retries: Expr;
  /** Execution listeners: `zeebe:taskHeaders` of the listener, merged over the element's (the listener's win). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Execution listeners of an element, by event type, in model order. */
export interface ExecutionListeners {
  readonly start: readonly ListenerSpec[];
  readonly end: readonly ListenerSpec[];
}

/** The task listener events the engine runs. */
export type TaskListenerEvent = 'creating' | 'assigning' | 'updating' | 'completing';

export type TaskListeners = { readonly [E in TaskListenerEvent]?: readonly ListenerSpec[] };

export interface ElementBase {
  readonly id: string;
  readonly kind: ElementKind;
  readonly name?: string;
  readonly documentation?: string;
  /** The id of the enclosing process or subprocess. */
  readonly parentId: string;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  readonly ioMapping?: IoMapping;
  /** `zeebe:executionListeners`: jobs run before the element's behaviour (start) and after it completes (end). */
  readonly executionListeners?: ExecutionListeners;
  /** `baton:calendar` (docs/TEAMS.md, "Working hours"): a calendar id, or `none`; overrides the process's. */
  readonly calendar?: string;
}

export interface EventElement extends ElementBase {
  readonly kind:
    | 'bpmn:StartEvent'
    | 'bpmn:EndEvent'
    | 'bpmn:IntermediateCatchEvent'
    | 'bpmn:IntermediateThrowEvent';
  readonly event: EventDefinition;
  /**
   * Multiple events: every definition (`event` is the first). A catch or start event triggers on
   * the first to happen; a throw or end event throws them all, in document order.
   */
  readonly multiple?: readonly EventDefinition[];
  /** Parallel multiple (`parallelMultiple="true"`, catch and event subprocess start events): it triggers once every definition has happened. */
  readonly parallelMultiple?: true;
  /** Start events of event subprocesses: whether they interrupt the enclosing scope. */
  readonly interrupting: boolean;
  /** Message throw and end events that Zeebe runs as a job (`zeebe:taskDefinition`); a multiple one runs it before its other throws. */
  readonly jobType?: Expr;
  readonly jobRetries?: number;
  /** Job-backed throw events: Zeebe task headers, handed to workers as for service tasks. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Start events: `zeebe:formDefinition formId`, the form an instance is started with. */
  readonly formId?: string;
}

export interface BoundaryEventElement extends ElementBase {
  readonly kind: 'bpmn:BoundaryEvent';
  readonly event: EventDefinition;
  /** Multiple boundary events: every definition (`event` is the first); each one that happens triggers it. */
  readonly multiple?: readonly EventDefinition[];
  /** Parallel multiple (`parallelMultiple="true"`): it triggers once every definition has happened. */
  readonly parallelMultiple?: true;
  readonly attachedToId: string;
  readonly cancelActivity: boolean;
}

export interface ActivityElement extends ElementBase {
  readonly kind:
    | 'bpmn:UserTask'
    | 'bpmn:ServiceTask'
    | 'bpmn:SendTask'
    | 'bpmn:ReceiveTask'
    | 'bpmn:ManualTask'
    | 'bpmn:Task'
    | 'bpmn:ScriptTask'
    | 'bpmn:BusinessRuleTask'
    | 'bpmn:SubProcess'
    | 'bpmn:CallActivity'
    | 'bpmn:AdHocSubProcess';
  readonly boundaryEventIds: readonly string[];
  readonly loop?: MultiInstance | StandardLoop;
  readonly defaultFlowId?: string;
  /** UserTask only. */
  readonly userTask?: UserTaskSpec;
  /** ServiceTask / SendTask: `zeebe:taskDefinition type` and retries. */
  readonly jobType?: Expr;
  readonly jobRetries?: number;
  /** Zeebe task headers, handed to workers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** ScriptTask: `zeebe:script expression` and `resultVariable`. */
  readonly script?: { readonly expression: Expr; readonly resultVariable?: string };
  /**
   * BusinessRuleTask without a job type: `zeebe:calledDecision` (binding `latest`, as Zeebe's
   * default), evaluated in-step; the result lands in `resultVariable`.
   */
  readonly calledDecision?: { readonly decisionId: Expr; readonly resultVariable: string };
  /** ReceiveTask: the message it waits for. */
  readonly message?: { readonly messageName: Expr; readonly correlationKey?: Expr };
  /** SubProcess: `triggeredByEvent` (an event subprocess). */
  readonly triggeredByEvent?: boolean;
  /** `bpmn:Transaction`: runs as an embedded subprocess (kind `bpmn:SubProcess`); a cancel end event cancels it. */
  readonly transaction?: boolean;
  /** The compensation handler associated with this activity's compensation boundary event. */
  readonly compensationHandlerId?: string;
  /** `isForCompensation`: a compensation handler, started only by a compensation throw. */
  readonly isForCompensation?: boolean;
  /** AdHocSubProcess: what starts inside it and when it completes (see compile-adhoc.ts). */
  readonly adHoc?: AdHocSpec;
  /** ReceiveTask: `instantiate="true"`, it starts the process on its message (no incoming flow). */
  readonly instantiate?: true;
  /** CallActivity: `zeebe:calledElement`. */
  readonly calledElement?: {
    readonly processId: Expr;
    readonly propagateAllChildVariables: boolean;
    readonly propagateAllParentVariables: boolean;
  };
}

/**
 * An ad-hoc subprocess (Camunda 8.7+): `activeElements` (`zeebe:adHoc activeElementsCollection`)
 * lists the inner elements started on entry; `completionCondition` is evaluated each time an inner
 * flow ends; `cancelRemainingInstances` (BPMN default true) terminates what still runs once it holds.
 */
export interface AdHocSpec {
  readonly activeElements?: Expr;
  readonly completionCondition?: Expr;
  readonly cancelRemainingInstances: boolean;
  /** Inner elements that may be activated: flow nodes of the subprocess other than boundary events. */
  readonly activatableIds: readonly string[];
}

export interface GatewayElement extends ElementBase {
  readonly kind:
    | 'bpmn:ExclusiveGateway'
    | 'bpmn:ParallelGateway'
    | 'bpmn:InclusiveGateway'
    | 'bpmn:EventBasedGateway'
    | 'bpmn:ComplexGateway';
  readonly defaultFlowId?: string;
  /**
   * Complex gateways: when the tokens waiting at the gateway may go on (BPMN's activation
   * condition). FEEL over the scope's variables plus `activationCount` (tokens waiting at the
   * gateway) and `activationCounts` (the same per incoming flow id).
   */
  readonly activationCondition?: Expr;
  /** Event-based gateways: `instantiate="true"`, the first message of the events after it starts the process. */
  readonly instantiate?: true;
}

export type Element = EventElement | BoundaryEventElement | ActivityElement | GatewayElement;

export interface SequenceFlow {
  readonly id: string;
  readonly name?: string;
  readonly sourceId: string;
  readonly targetId: string;
  /** FEEL condition; absent means unconditional. */
  readonly condition?: Expr;
}

/** What a process or subprocess contains: used to start a scope and to find its event subprocesses. */
export interface ScopeModel {
  /** Process id or subprocess element id. */
  readonly id: string;
  readonly childIds: readonly string[];
  /** None start events (a subprocess has exactly one; a process may have none when only message/timer starts). */
  readonly noneStartEventId?: string;
  /** All start events directly in this scope (process level: none, message, timer, signal). */
  readonly startEventIds: readonly string[];
  readonly eventSubProcessIds: readonly string[];
  /**
   * Process scope: receive tasks with `instantiate="true"` and the message catch events (or receive
   * tasks) after an instantiating event-based gateway. Their message starts an instance, as a
   * message start event's does.
   */
  readonly messageStartIds?: readonly string[];
}

export interface ProcessModel {
  readonly id: string;
  readonly name?: string;
  readonly documentation?: string;
  readonly elements: Readonly<Record<string, Element>>;
  readonly flows: Readonly<Record<string, SequenceFlow>>;
  /** Keyed by process id and by every subprocess id (including event subprocesses). */
  readonly scopes: Readonly<Record<string, ScopeModel>>;
  /** Link catch events by scope and link name, for link throw events. */
  readonly linkTargets: Readonly<Record<string, string>>;
  /** Form ids referenced by user tasks and start events, for the server's deploy check. */
  readonly formIds: readonly string[];
  /** Camunda Forms embedded in the process (`zeebe:userTaskForm`), converted; their ids are in `formIds`. */
  readonly embeddedForms?: readonly EmbeddedForm[];
  /** `baton:calendar` on the process: the calendar of its user tasks and duration timers. */
  readonly calendar?: string;
  /**
   * `zeebe:executionListeners` on the process: start listeners, run before its start event; end
   * listeners, run when it has run out of tokens (or reached a terminate end event), before it completes.
   */
  readonly executionListeners?: ExecutionListeners;
}

/** An embedded Camunda Form converted to a Baton form, saved under a content-derived `formId`. */
export interface EmbeddedForm {
  readonly formId: string;
  /** The `zeebe:userTaskForm` id. */
  readonly key: string;
  readonly name: string;
  readonly schema: Record<string, unknown>;
  readonly uiSchema: Record<string, unknown>;
  /** The user tasks that show it. */
  readonly elementIds: readonly string[];
}

/**
 * One problem found at deploy; `elementId` is absent only for file-level problems (bad XML).
 * `severity` is absent or `'error'` for a problem that blocks deploy; `'warning'` marks something
 * the engine ignores because it does not change execution (a Camunda 7 attribute, a type
 * reference), listed so the author knows it is not used.
 */
export interface DeployIssue {
  readonly elementId?: string;
  readonly severity?: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}
