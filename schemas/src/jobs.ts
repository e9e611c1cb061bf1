import type { FromSchema } from 'json-schema-to-ts';
import {
  dateTimeShape,
  nullableDateTimeShape,
  pageProperties,
  pageQueryProperties,
  slugShape,
  uuidShape,
  variablesShape,
} from './common.js';

const workerIdShape = { type: 'string', minLength: 1, maxLength: 200 } as const;

const jobShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    instanceId: { type: ['string', 'null'] },
    definitionId: uuidShape,
    elementId: { type: 'string' },
    kind: { type: 'string' },
    jobType: { type: ['string', 'null'] },
    dueAt: dateTimeShape,
    retries: { type: 'integer' },
    attempts: { type: 'integer' },
    lockedBy: { type: ['string', 'null'] },
    lockedUntil: nullableDateTimeShape,
    /** The last failure's message, if any. */
    lastError: { type: ['string', 'null'] },
    variables: variablesShape,
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    /** Listener jobs: an execution listener's (`start`, `end`) or a task listener's (`creating`, `completing`). */
    listener: {
      type: ['object', 'null'],
      properties: {
        kind: { type: 'string', enum: ['executionListener', 'taskListener'] },
        eventType: { type: 'string' },
      },
      required: ['kind', 'eventType'],
    },
  },
  required: [
    'id',
    'instanceId',
    'definitionId',
    'elementId',
    'kind',
    'jobType',
    'dueAt',
    'retries',
    'attempts',
    'lastError',
    'variables',
    'headers',
  ],
} as const;

/** One job as an operator sees it (`PATCH /api/jobs/:id`). */
export const JobSchema = { $id: 'job', ...jobShape } as const;

/** Jobs locked for the calling worker, or (`GET /api/jobs`) listed for an operator. */
export const JobListSchema = {
  $id: 'jobList',
  type: 'object',
  properties: { items: { type: 'array', items: jobShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type JobList = FromSchema<typeof JobListSchema>;
export type JobDto = FromSchema<typeof jobShape>;

export const FetchAndLockSchema = {
  $id: 'fetchAndLock',
  type: 'object',
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 200 },
    workerId: workerIdShape,
    maxJobs: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
    lockMs: { type: 'integer', minimum: 1000, maximum: 3_600_000, default: 60_000 },
    /** Variables the worker needs besides those its task's input mappings give (as Zeebe's fetch variables). */
    fetchVariables: {
      type: 'array',
      maxItems: 100,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
  required: ['type', 'workerId'],
  additionalProperties: false,
} as const;
export type FetchAndLock = FromSchema<typeof FetchAndLockSchema>;

export const JobCompleteSchema = {
  $id: 'jobComplete',
  type: 'object',
  properties: {
    workerId: workerIdShape,
    variables: variablesShape,
    /**
     * A task listener's answer (Zeebe's job result): `denied` refuses the completion (the task
     * stays open, `deniedReason` in its history); `corrections` change the task ('' clears).
     */
    result: {
      type: 'object',
      properties: {
        denied: { type: 'boolean' },
        deniedReason: { type: 'string', maxLength: 10_000 },
        corrections: {
          type: 'object',
          properties: {
            assignee: { type: 'string', maxLength: 200 },
            candidateUsers: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 200 } },
            candidateGroups: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 200 } },
            dueDate: { type: 'string', maxLength: 100 },
            followUpDate: { type: 'string', maxLength: 100 },
            priority: { type: 'integer', minimum: 0, maximum: 100 },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
  required: ['workerId'],
  additionalProperties: false,
} as const;
export type JobComplete = FromSchema<typeof JobCompleteSchema>;

export const JobFailSchema = {
  $id: 'jobFail',
  type: 'object',
  properties: {
    workerId: workerIdShape,
    retries: { type: 'integer', minimum: 0, maximum: 1000 },
    errorMessage: { type: 'string', maxLength: 10_000 },
    retryBackoffMs: { type: 'integer', minimum: 0, maximum: 86_400_000 },
  },
  required: ['workerId', 'retries', 'errorMessage'],
  additionalProperties: false,
} as const;
export type JobFail = FromSchema<typeof JobFailSchema>;

export const JobBpmnErrorSchema = {
  $id: 'jobBpmnError',
  type: 'object',
  properties: {
    workerId: workerIdShape,
    errorCode: { type: 'string', minLength: 1, maxLength: 200 },
    errorMessage: { type: 'string', maxLength: 10_000 },
    variables: variablesShape,
  },
  required: ['workerId', 'errorCode'],
  additionalProperties: false,
} as const;
export type JobBpmnError = FromSchema<typeof JobBpmnErrorSchema>;

/** `GET /api/jobs`: an operator's list, which never locks a job. */
export const JobListQuerySchema = {
  $id: 'jobListQuery',
  type: 'object',
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 200 },
    processId: slugShape,
    instanceId: uuidShape,
    /** `ready` to be claimed, `locked` by a worker now, `failed` with no retries left. */
    state: { type: 'string', enum: ['ready', 'locked', 'failed'] },
    ...pageQueryProperties,
  },
  additionalProperties: false,
} as const;
export type JobListQuery = FromSchema<typeof JobListQuerySchema>;

/** `PATCH /api/jobs/:id`: the attempts the job has left (Camunda's "update job retries"). */
export const JobPatchBodySchema = {
  $id: 'jobPatchBody',
  type: 'object',
  properties: { retries: { type: 'integer', minimum: 1, maximum: 1000 } },
  required: ['retries'],
  additionalProperties: false,
} as const;
export type JobPatchBody = FromSchema<typeof JobPatchBodySchema>;
