import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeShape, nullableDateTimeShape, pageProperties, uuidShape, variablesShape } from './common.js';

const workerIdShape = { type: 'string', minLength: 1, maxLength: 200 } as const;

const jobShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    instanceId: { type: ['string', 'null'] },
    elementId: { type: 'string' },
    kind: { type: 'string' },
    jobType: { type: ['string', 'null'] },
    dueAt: dateTimeShape,
    retries: { type: 'integer' },
    attempts: { type: 'integer' },
    lockedBy: { type: ['string', 'null'] },
    lockedUntil: nullableDateTimeShape,
    variables: variablesShape,
    headers: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: [
    'id',
    'instanceId',
    'elementId',
    'kind',
    'jobType',
    'dueAt',
    'retries',
    'attempts',
    'variables',
    'headers',
  ],
} as const;

/** Jobs locked for the calling worker. */
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
  properties: { workerId: workerIdShape, variables: variablesShape },
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
