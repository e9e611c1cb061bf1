import { ExpressionError } from '../../errors.js';
import type { EventElement, Expr } from '../../model/types.js';
import type { Execution, LiveToken } from '../execution.js';
import { evaluateIn, evaluateMappings, ownScope, visibleVariables } from '../variables.js';

/** What a job-backed element declares (`zeebe:taskDefinition` and task headers). */
export interface JobSpec {
  readonly jobType?: Expr;
  readonly jobRetries?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The scope the job of a message throw or end event reads: with input mappings, a local scope of
 * the event holding them (as Zeebe, and as an activity's inputs; connectors pass their settings
 * this way), closed when the event completes; without, the scope the token is in. A retry that
 * enters the event again evaluates the inputs again into the same scope.
 */
export function eventJobScope(exec: Execution, token: LiveToken, element: EventElement): string {
  const inputs = element.ioMapping?.inputs ?? [];
  if (inputs.length === 0) return token.scopeId;
  const local = evaluateMappings(exec, inputs, visibleVariables(exec, token.scopeId));
  return ownScope(exec, token, element.id, local)?.id ?? token.scopeId;
}

/** Creates a service job for a token (service/send tasks, message throw events run as jobs). */
export function createServiceJob(exec: Execution, token: LiveToken, spec: JobSpec, scopeId: string): void {
  if (!spec.jobType) throw new Error(`'${token.elementId}' has no job type`);
  const jobType = evaluateIn(exec, spec.jobType, scopeId);
  if (typeof jobType !== 'string' || jobType === '') {
    const source = spec.jobType.feel ? spec.jobType.source : spec.jobType.value;
    throw new ExpressionError(
      source,
      `the job type must be a non-empty string, got ${JSON.stringify(jobType)}`,
    );
  }
  const jobId = exec.newId();
  exec.emit({
    type: 'job.create',
    job: {
      id: jobId,
      kind: 'service',
      elementId: token.elementId,
      tokenId: token.id,
      dueAt: null,
      jobType,
      retries: spec.jobRetries ?? 3,
      ...(spec.headers ? { headers: spec.headers } : {}),
      variables: visibleVariables(exec, scopeId),
    },
  });
  token.wait = { kind: 'job', jobId };
}
