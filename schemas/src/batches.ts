import type { FromSchema } from 'json-schema-to-ts';
import {
  dateTimeShape,
  nullableDateTimeShape,
  pageProperties,
  pageQueryProperties,
  uuidShape,
  variablesShape,
} from './common.js';
import { INSTANCE_STATUSES } from './instances.js';

export const BATCH_KINDS = ['cancel', 'retry', 'migrate', 'variables'] as const;
export const BATCH_STATES = ['running', 'paused', 'cancelled', 'completed'] as const;

const nameShape = { type: 'string', minLength: 1, maxLength: 200 } as const;

/** Which instances a batch selects when it is created; every field narrows. */
const batchFilterShape = {
  type: 'object',
  properties: {
    processId: nameShape,
    /** A version number of `processId` (needs `processId`). */
    version: { type: 'integer', minimum: 1 },
    status: { type: 'string', enum: INSTANCE_STATUSES },
    /** Instances with a token at this element now. */
    activeElementId: nameShape,
    /** Instances with an open incident whose message contains this text. */
    incidentError: { type: 'string', minLength: 1, maxLength: 500 },
    startedAfter: dateTimeShape,
    startedBefore: dateTimeShape,
    instanceIds: { type: 'array', minItems: 1, maxItems: 1000, items: uuidShape },
  },
  additionalProperties: false,
} as const;

const batchParametersShape = {
  type: 'object',
  properties: {
    /** retry: the attempts each retried job gets. */
    retries: { type: 'integer', minimum: 1, maximum: 1000 },
    /** migrate: the version to move to, element mappings and a reason. */
    targetDefinitionId: uuidShape,
    mappings: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        properties: {
          sourceElementId: { type: 'string', minLength: 1, maxLength: 255 },
          targetElementId: { type: 'string', minLength: 1, maxLength: 255 },
        },
        required: ['sourceElementId', 'targetElementId'],
        additionalProperties: false,
      },
    },
    reason: { type: 'string', maxLength: 2000 },
    /** variables: the root variables each instance gets. */
    variables: variablesShape,
  },
  additionalProperties: false,
} as const;

/** `POST /api/batches`: a batch operation over the instances a filter selects (`dryRun`: count only). */
export const BatchCreateBodySchema = {
  $id: 'batchCreateBody',
  type: 'object',
  properties: {
    kind: { type: 'string', enum: BATCH_KINDS },
    filter: batchFilterShape,
    parameters: batchParametersShape,
    dryRun: { type: 'boolean' },
  },
  required: ['kind', 'filter'],
  additionalProperties: false,
} as const;
export type BatchCreateBody = FromSchema<typeof BatchCreateBodySchema>;

const batchProperties = {
  id: uuidShape,
  kind: { type: 'string', enum: BATCH_KINDS },
  filter: { type: 'object', additionalProperties: true },
  parameters: { type: 'object', additionalProperties: true },
  state: { type: 'string', enum: BATCH_STATES },
  total: { type: 'integer', minimum: 0 },
  done: { type: 'integer', minimum: 0 },
  failed: { type: 'integer', minimum: 0 },
  processIds: { type: 'array', items: { type: 'string' } },
  createdBy: { type: ['string', 'null'] },
  createdAt: dateTimeShape,
  updatedAt: dateTimeShape,
  endedAt: nullableDateTimeShape,
} as const;
const batchRequired = [
  'id',
  'kind',
  'filter',
  'parameters',
  'state',
  'total',
  'done',
  'failed',
  'processIds',
  'createdBy',
  'createdAt',
  'updatedAt',
  'endedAt',
] as const;

/** A batch and its progress: `total` items, `done` and `failed` so far. */
export const BatchSchema = {
  $id: 'batch',
  type: 'object',
  properties: batchProperties,
  required: batchRequired,
} as const;
export type BatchDto = FromSchema<typeof BatchSchema>;

/** A batch with a page of its failures, each with the instance and the reason. */
export const BatchDetailSchema = {
  $id: 'batchDetail',
  type: 'object',
  properties: {
    ...batchProperties,
    failures: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          instanceId: uuidShape,
          code: { type: 'string' },
          message: { type: 'string' },
          at: dateTimeShape,
        },
        required: ['instanceId', 'code', 'message', 'at'],
      },
    },
  },
  required: [...batchRequired, 'failures'],
} as const;
export type BatchDetailDto = FromSchema<typeof BatchDetailSchema>;

/** What a batch would select: the count (up to the cap, 100,000) and a sample. */
export const BatchDryRunSchema = {
  $id: 'batchDryRun',
  type: 'object',
  properties: {
    dryRun: { type: 'boolean', const: true },
    matched: { type: 'integer', minimum: 0 },
    overLimit: { type: 'boolean' },
    sample: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: uuidShape, processId: { type: 'string' }, startedAt: dateTimeShape },
        required: ['id', 'processId', 'startedAt'],
      },
    },
  },
  required: ['dryRun', 'matched', 'overLimit', 'sample'],
} as const;
export type BatchDryRunDto = FromSchema<typeof BatchDryRunSchema>;

export const BatchListQuerySchema = {
  $id: 'batchListQuery',
  type: 'object',
  properties: { state: { type: 'string', enum: BATCH_STATES }, ...pageQueryProperties },
  additionalProperties: false,
} as const;
export type BatchListQuery = FromSchema<typeof BatchListQuerySchema>;

export const BatchListSchema = {
  $id: 'batchList',
  type: 'object',
  properties: { items: { type: 'array', items: { $ref: 'batch#' } }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;

/** `GET /api/batches/:id`: which page of failures. */
export const BatchDetailQuerySchema = {
  $id: 'batchDetailQuery',
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
  additionalProperties: false,
} as const;
export type BatchDetailQuery = FromSchema<typeof BatchDetailQuerySchema>;
export type BatchList = FromSchema<typeof BatchListSchema, { references: [typeof BatchSchema] }>;
