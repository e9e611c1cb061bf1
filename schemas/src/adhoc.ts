import type { FromSchema } from 'json-schema-to-ts';
import { uuidShape } from './common.js';

const elementIdShape = { type: 'string', minLength: 1, maxLength: 255 } as const;

/** `/api/instances/:id/ad-hoc/:elementId/activation`: the instance and its ad-hoc subprocess (element id or element instance id). */
export const AdHocParamsSchema = {
  $id: 'adHocParams',
  type: 'object',
  properties: { id: uuidShape, elementId: elementIdShape },
  required: ['id', 'elementId'],
} as const;
export type AdHocParams = FromSchema<typeof AdHocParamsSchema>;

/** Start inner elements of a running ad-hoc subprocess, with variables set in its scope first. */
export const AdHocActivationBodySchema = {
  $id: 'adHocActivationBody',
  type: 'object',
  properties: {
    elementIds: { type: 'array', minItems: 1, maxItems: 100, items: elementIdShape },
    variables: { type: 'object', additionalProperties: true },
  },
  required: ['elementIds'],
  additionalProperties: false,
} as const;
export type AdHocActivationBody = FromSchema<typeof AdHocActivationBodySchema>;
