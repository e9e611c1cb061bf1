import type {
  DefinitionSummary,
  HistoryEvent,
  Incident,
  InstanceDetail,
  InstanceSummary,
  Job,
  Task,
} from '@baton/engine';
import { iso, isoOrNull } from '../util/dates.js';

/** Engine values to the JSON the schemas describe (dates as ISO text, readonly arrays copied). */

export function definitionDto(d: DefinitionSummary) {
  return {
    id: d.id,
    processId: d.processId,
    version: d.version,
    name: d.name,
    hash: d.hash,
    deployedAt: iso(d.deployedAt),
    deployedBy: d.deployedBy,
    formIds: [...d.formIds],
  };
}

export function instanceSummaryDto(i: InstanceSummary) {
  return {
    id: i.id,
    definitionId: i.definitionId,
    processId: i.processId,
    version: i.version,
    status: i.status,
    businessKey: i.businessKey,
    startedAt: iso(i.startedAt),
    startedBy: i.startedBy,
    endedAt: isoOrNull(i.endedAt),
    parentInstanceId: i.parentInstanceId,
    openIncidents: i.openIncidents,
  };
}

export function incidentDto(i: Incident) {
  return {
    id: i.id,
    instanceId: i.instanceId,
    processId: i.processId,
    elementId: i.elementId,
    type: i.type,
    message: i.message,
    jobId: i.jobId,
    createdAt: iso(i.createdAt),
    resolvedAt: isoOrNull(i.resolvedAt),
  };
}

export function instanceDetailDto(i: InstanceDetail) {
  return {
    ...instanceSummaryDto(i),
    variables: i.variables,
    activeElements: { ...i.activeElements },
    completedElementIds: [...i.completedElementIds],
    takenFlowIds: [...i.takenFlowIds],
    incidents: i.incidents.map(incidentDto),
  };
}

export function historyDto(e: HistoryEvent) {
  return {
    id: e.id,
    seq: e.seq,
    at: iso(e.at),
    type: e.type,
    elementId: e.elementId,
    taskId: e.taskId,
    actor: e.actor,
    data: e.data,
  };
}

export function taskDto(t: Task) {
  return {
    id: t.id,
    instanceId: t.instanceId,
    definitionId: t.definitionId,
    processId: t.processId,
    elementId: t.elementId,
    name: t.name,
    state: t.state,
    assignee: t.assignee,
    owner: t.owner,
    delegated: t.delegated,
    candidateUsers: [...t.candidateUsers],
    candidateGroups: [...t.candidateGroups],
    dueAt: isoOrNull(t.dueAt),
    followUpAt: isoOrNull(t.followUpAt),
    priority: t.priority,
    formId: t.formId,
    variables: t.variables,
    draft: t.draft,
    createdAt: iso(t.createdAt),
    completedAt: isoOrNull(t.completedAt),
    completedBy: t.completedBy,
    sequence: t.sequence,
    returnedFrom: t.returnedFrom ? { ...t.returnedFrom, at: iso(t.returnedFrom.at) } : null,
  };
}

export function jobDto(j: Job) {
  return {
    id: j.id,
    instanceId: j.instanceId,
    definitionId: j.definitionId,
    elementId: j.elementId,
    kind: j.kind,
    jobType: j.jobType,
    dueAt: iso(j.dueAt),
    retries: j.retries,
    attempts: j.attempts,
    lockedBy: j.lockedBy,
    lockedUntil: isoOrNull(j.lockedUntil),
    lastError: j.lastError,
    variables: j.variables,
    headers: { ...j.headers },
    listener: j.listener ? { ...j.listener } : null,
  };
}
