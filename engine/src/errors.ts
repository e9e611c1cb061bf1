import type { MigrationProblem } from './migration/plan.js';
import type { DeployIssue } from './model/types.js';

/**
 * Every error the engine raises on purpose. The server maps each `code` to an HTTP status in one
 * exhaustive table, so adding a code here without a status does not compile there.
 */
export const ENGINE_ERROR_CODES = [
  'DEFINITION_INVALID',
  'DEFINITION_NOT_FOUND',
  'INSTANCE_NOT_FOUND',
  'INSTANCE_NOT_ACTIVE',
  'TASK_NOT_FOUND',
  'TASK_NOT_ACTIVE',
  'TASK_NOT_ASSIGNED',
  'TASK_NOT_CLAIMED',
  'TASK_ALREADY_CLAIMED',
  'TASK_DELEGATED',
  'TASK_NOT_DELEGATED',
  'FORBIDDEN',
  'TASK_RETURN_TARGET_INVALID',
  'JOB_NOT_FOUND',
  'JOB_LEASE_LOST',
  'INCIDENT_NOT_FOUND',
  'ABSENCE_NOT_FOUND',
  'MESSAGE_NOT_CORRELATED',
  'CONCURRENCY_CONFLICT',
  'EXPRESSION_FAILED',
  'EXPRESSION_BUDGET_EXCEEDED',
  'INVALID_ARGUMENT',
  'STORE_UNAVAILABLE',
  'MIGRATION_REFUSED',
  'BATCH_NOT_FOUND',
  'BATCH_STATE_CONFLICT',
  'STATE_FORMAT_UNSUPPORTED',
  'CALENDAR_NOT_FOUND',
  'CALENDAR_INVALID',
  'DECISION_NOT_FOUND',
  'DECISION_EVALUATION_FAILED',
  'START_GATHERING_FULL',
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class DefinitionInvalidError extends EngineError {
  constructor(
    readonly issues: readonly DeployIssue[],
    language: 'BPMN' | 'DMN' = 'BPMN',
  ) {
    super(
      'DEFINITION_INVALID',
      `${language} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}): ` +
        issues
          .slice(0, 5)
          .map((i) => (i.elementId ? `${i.elementId}: ${i.message}` : i.message))
          .join('; ') +
        (issues.length > 5 ? '; …' : ''),
    );
  }
}

export class DefinitionNotFoundError extends EngineError {
  constructor(
    readonly processId: string,
    readonly version?: number,
  ) {
    super(
      'DEFINITION_NOT_FOUND',
      `No deployed process '${processId}'${version ? ` version ${version}` : ''}`,
    );
  }
}

export class InstanceNotFoundError extends EngineError {
  constructor(readonly instanceId: string) {
    super('INSTANCE_NOT_FOUND', `Process instance ${instanceId} not found`);
  }
}

export class InstanceNotActiveError extends EngineError {
  constructor(
    readonly instanceId: string,
    readonly status: string,
  ) {
    super('INSTANCE_NOT_ACTIVE', `Process instance ${instanceId} is ${status}`);
  }
}

export class TaskNotFoundError extends EngineError {
  constructor(readonly taskId: string) {
    super('TASK_NOT_FOUND', `Task ${taskId} not found`);
  }
}

export class TaskNotActiveError extends EngineError {
  constructor(
    readonly taskId: string,
    readonly state: string,
  ) {
    super(
      'TASK_NOT_ACTIVE',
      state === 'completing'
        ? `Task ${taskId} is completing: its completion waits for the task's completing listeners`
        : state === 'assigning'
          ? `Task ${taskId} is assigning: a change of its assignee waits for the task's assigning listeners`
          : `Task ${taskId} is ${state}`,
    );
  }
}

export class TaskNotAssignedError extends EngineError {
  constructor(
    readonly taskId: string,
    message: string,
  ) {
    super('TASK_NOT_ASSIGNED', message);
  }
}

/**
 * The policy refused a task command for a reason the caller can act on (claim it first, resolve
 * instead of completing, someone else has it).
 */
export class TaskCommandRefusedError extends EngineError {
  constructor(
    readonly taskId: string,
    code: 'TASK_NOT_CLAIMED' | 'TASK_ALREADY_CLAIMED' | 'TASK_DELEGATED' | 'TASK_NOT_DELEGATED',
    message: string,
  ) {
    super(code, message);
  }
}

/** The identity may not perform this command (its roles, groups, scopes or relation to the task). */
export class ForbiddenError extends EngineError {
  constructor(
    message: string,
    readonly identityId: string | null = null,
  ) {
    super('FORBIDDEN', message);
  }
}

export class TaskReturnTargetInvalidError extends EngineError {
  constructor(
    readonly taskId: string,
    readonly targetElementId: string,
    reason: string,
  ) {
    super('TASK_RETURN_TARGET_INVALID', `Cannot return task ${taskId} to '${targetElementId}': ${reason}`);
  }
}

export class JobNotFoundError extends EngineError {
  constructor(readonly jobId: string) {
    super('JOB_NOT_FOUND', `Job ${jobId} not found`);
  }
}

export class JobLeaseLostError extends EngineError {
  constructor(
    readonly jobId: string,
    readonly workerId: string,
  ) {
    super('JOB_LEASE_LOST', `Job ${jobId} is no longer locked by worker ${workerId}`);
  }
}

export class IncidentNotFoundError extends EngineError {
  constructor(readonly incidentId: string) {
    super('INCIDENT_NOT_FOUND', `Incident ${incidentId} not found or already resolved`);
  }
}

export class MessageNotCorrelatedError extends EngineError {
  constructor(
    readonly messageName: string,
    readonly correlationKey: string | null,
  ) {
    super(
      'MESSAGE_NOT_CORRELATED',
      `No subscription or message start event for message '${messageName}'${correlationKey === null ? '' : ` with correlation key '${correlationKey}'`}`,
    );
  }
}

/** Another command changed the instance (or task) first; retrying with fresh state may succeed. */
export class ConcurrencyError extends EngineError {
  constructor(
    readonly instanceId: string,
    readonly expectedVersion: number,
  ) {
    super(
      'CONCURRENCY_CONFLICT',
      `Process instance ${instanceId} was changed concurrently (expected version ${expectedVersion})`,
    );
  }
}

export class ExpressionError extends EngineError {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super('EXPRESSION_FAILED', `FEEL expression '${expression}' failed: ${message}`);
  }
}

/** Which budget an expression ran out of (see `setFeelLimits`). */
export type ExpressionBudget = 'time' | 'memory' | 'result size' | 'recursion depth';

/**
 * An expression ran out of its budget (time, memory, result size or recursion depth). Still an
 * `ExpressionError`, so the runtime parks the token in an incident on that element, as for any
 * failing expression; only the code and message differ.
 */
export class ExpressionBudgetError extends ExpressionError {
  override readonly code = 'EXPRESSION_BUDGET_EXCEEDED';

  constructor(
    expression: string,
    readonly budget: ExpressionBudget,
    message: string,
  ) {
    super(expression, `exceeded its ${budget} budget: ${message}`);
  }
}

export class InvalidArgumentError extends EngineError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** The database could not be reached; the command did not happen and may be retried. */
export class StoreUnavailableError extends EngineError {
  constructor(message: string) {
    super('STORE_UNAVAILABLE', message);
  }
}

/** An instance cannot move to the target version as planned; `issues` names each element. */
export class MigrationRefusedError extends EngineError {
  constructor(
    readonly instanceId: string,
    /** Each problem names the source element; the same shape as deploy issues. */
    readonly issues: readonly MigrationProblem[],
  ) {
    const problems = issues;
    super(
      'MIGRATION_REFUSED',
      `Instance ${instanceId} cannot be migrated as planned (${problems.length} problem${problems.length === 1 ? '' : 's'}): ` +
        problems
          .slice(0, 3)
          .map((p) => p.message)
          .join('; ') +
        (problems.length > 3 ? '; …' : ''),
    );
  }
}

export class BatchNotFoundError extends EngineError {
  constructor(readonly batchId: string) {
    super('BATCH_NOT_FOUND', `Batch ${batchId} not found`);
  }
}

/** Pausing a batch that does not run, resuming one that is not paused, cancelling a finished one. */
export class BatchStateConflictError extends EngineError {
  constructor(
    readonly batchId: string,
    readonly state: string,
    readonly command: string,
  ) {
    super('BATCH_STATE_CONFLICT', `Batch ${batchId} is ${state}: it cannot ${command}`);
  }
}

/** No deployed decision with that id (or row id), or not that version of it. */
export class DecisionNotFoundError extends EngineError {
  constructor(
    readonly decisionId: string,
    readonly version?: number,
  ) {
    super(
      'DECISION_NOT_FOUND',
      `No deployed decision '${decisionId}'${version ? ` version ${version}` : ''}`,
    );
  }
}

/** Evaluating a decision failed: a hit policy was violated, or its FEEL failed or ran out of budget. */
export class DecisionEvaluationFailedError extends EngineError {
  constructor(
    readonly decisionId: string,
    message: string,
  ) {
    super('DECISION_EVALUATION_FAILED', message);
  }
}

/** A parallel multiple start event's gathering holds as many waiting triggers as it may take. */
export class StartGatheringFullError extends EngineError {
  constructor(
    readonly startEventId: string,
    readonly limit: number,
  ) {
    super(
      'START_GATHERING_FULL',
      `The start event '${startEventId}' already holds ${limit} triggers waiting for the others it needs; this one is refused until the gathering moves on`,
    );
  }
}
