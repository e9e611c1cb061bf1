import type { Execution, LiveToken } from './execution.js';
import type { Effect, PendingListener, Variables } from './types.js';

/** Incidents: a token parks in one until `incident.retry` resumes it (`commands/instance.ts`). */

type IncidentType = Extract<Effect, { type: 'incident.raise' }>['incidentType'];

/** Parks a token in an incident; `incident.retry` resumes it. */
export function raiseIncident(
  exec: Execution,
  token: LiveToken,
  incidentType: IncidentType,
  message: string,
  options: {
    readonly jobId?: string;
    readonly retry?: 'complete' | 'leave';
    readonly variables?: Variables;
    /** A listener failed: the retry runs it again. */
    readonly listener?: PendingListener;
  } = {},
): void {
  const incidentId = exec.newId();
  token.wait = {
    kind: 'incident',
    incidentId,
    ...(options.retry === 'complete' ? { retry: options.retry, variables: options.variables ?? {} } : {}),
    ...(options.retry === 'leave' ? { retry: options.retry } : {}),
    ...(options.listener ? { listener: options.listener } : {}),
  };
  exec.emit({
    type: 'incident.raise',
    incidentId,
    elementId: token.elementId,
    tokenId: token.id,
    incidentType,
    message,
    ...(options.jobId ? { jobId: options.jobId } : {}),
  });
  exec.history('incident.raised', {
    elementId: token.elementId,
    tokenId: token.id,
    data: { incidentId, incidentType, message },
  });
}
