import type { FromSchema } from 'json-schema-to-ts';

/** A UUID string (ids of users, groups, tokens, definitions, instances, tasks, jobs, incidents). */
export const uuidShape = { type: 'string', format: 'uuid' } as const;

/** A user-chosen slug: formId, processId, template id. */
export const slugShape = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$',
} as const;

/** A display name: plain text, or English plus Simplified Chinese. */
export const localizedNameShape = {
  anyOf: [
    { type: 'string', minLength: 1, maxLength: 200 },
    {
      type: 'object',
      properties: {
        en: { type: 'string', minLength: 1, maxLength: 200 },
        zh: { type: 'string', minLength: 1, maxLength: 200 },
      },
      required: ['en'],
      additionalProperties: false,
    },
  ],
} as const;

/** An ISO 8601 timestamp. */
export const dateTimeShape = { type: 'string', format: 'date-time' } as const;
export const nullableDateTimeShape = { type: ['string', 'null'], format: 'date-time' } as const;

/** Free-form JSON variables (an object of any JSON values). */
export const variablesShape = { type: 'object', additionalProperties: true } as const;

/** `limit` (default 50, max 200) and `offset`, shared by every list query. */
export const pageQueryProperties = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
} as const;

/** The envelope of every list: `{ items, total, limit, offset }`. */
export const pageProperties = {
  total: { type: 'integer', minimum: 0 },
  limit: { type: 'integer', minimum: 0 },
  offset: { type: 'integer', minimum: 0 },
} as const;

export const fieldErrorShape = {
  type: 'object',
  properties: {
    pointer: { type: 'string', description: 'JSON pointer into the submitted document' },
    message: { type: 'string' },
  },
  required: ['pointer', 'message'],
} as const;

export const deployIssueShape = {
  type: 'object',
  properties: {
    elementId: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
    line: { type: 'integer' },
    column: { type: 'integer' },
    /** Absent or `error`: blocks deploy. `warning`: deployed anyway (an ignored foreign attribute). */
    severity: { type: 'string', enum: ['error', 'warning'] },
  },
  required: ['code', 'message'],
} as const;

/** RFC 9457 problem details with a stable `code`; every error the API returns has this shape. */
export const ProblemSchema = {
  $id: 'problem',
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable machine-readable error code' },
    detail: { type: 'string' },
    errors: { type: 'array', items: fieldErrorShape },
    issues: { type: 'array', items: deployIssueShape },
  },
  required: ['type', 'title', 'status', 'code'],
} as const;
export type Problem = FromSchema<typeof ProblemSchema>;
export type FieldError = FromSchema<typeof fieldErrorShape>;
export type DeployIssueDto = FromSchema<typeof deployIssueShape>;

/** `:id` path parameter (UUID). */
export const IdParamsSchema = {
  $id: 'idParams',
  type: 'object',
  properties: { id: uuidShape },
  required: ['id'],
} as const;
export type IdParams = FromSchema<typeof IdParamsSchema>;

/** Liveness and readiness answers. */
export const HealthSchema = {
  $id: 'health',
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'ready'] },
    /**
     * `/ready` only: the read replica (DATABASE_REPLICA_URL) answers, does not (lists are read
     * from the primary meanwhile), or there is none. Readiness depends on the primary alone.
     */
    replica: { type: 'string', enum: ['none', 'ready', 'unavailable'] },
  },
  required: ['status'],
} as const;
export type Health = FromSchema<typeof HealthSchema>;
