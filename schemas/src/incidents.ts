import type { FromSchema } from 'json-schema-to-ts';
import { incidentFilterProperties } from './instances.js';

/** The attempts a retried element's new job gets (instead of the model's), as a worker's `fail` allows. */
const retriesShape = { type: 'integer', minimum: 1, maximum: 1000 } as const;

/** `POST /api/incidents/:id/retry`: optionally, how many attempts the new job gets. */
export const IncidentRetryBodySchema = {
  $id: 'incidentRetryBody',
  type: 'object',
  properties: { retries: retriesShape },
  additionalProperties: false,
} as const;
export type IncidentRetryBody = FromSchema<typeof IncidentRetryBodySchema>;

/** `POST /api/incidents/retry`: retry the open incidents a filter matches, each instance on its own. */
export const IncidentBulkRetryBodySchema = {
  $id: 'incidentBulkRetryBody',
  type: 'object',
  properties: {
    filter: {
      type: 'object',
      properties: incidentFilterProperties,
      additionalProperties: false,
    },
    retries: retriesShape,
    /** At most this many incidents (oldest first); `matched` in the report says how many there were. */
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
  required: ['filter'],
  additionalProperties: false,
} as const;
export type IncidentBulkRetryBody = FromSchema<typeof IncidentBulkRetryBodySchema>;

/** What a bulk retry did: one result per instance (each retried in its own transaction). */
export const IncidentBulkRetryReportSchema = {
  $id: 'incidentBulkRetryReport',
  type: 'object',
  properties: {
    matched: { type: 'integer', minimum: 0 },
    succeeded: { type: 'integer', minimum: 0 },
    failed: { type: 'integer', minimum: 0 },
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          instanceId: { type: 'string', format: 'uuid' },
          incidentIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
          ok: { type: 'boolean' },
          /** On failure: the problem code (`CONCURRENCY_CONFLICT`, `INVALID_ARGUMENT`, ...) and its message. */
          code: { type: 'string' },
          message: { type: 'string' },
        },
        required: ['instanceId', 'incidentIds', 'ok'],
      },
    },
  },
  required: ['matched', 'succeeded', 'failed', 'results'],
} as const;
export type IncidentBulkRetryReport = FromSchema<typeof IncidentBulkRetryReportSchema>;
