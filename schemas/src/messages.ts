import type { FromSchema } from 'json-schema-to-ts';
import { uuidShape, variablesShape } from './common.js';

const nameShape = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const MessageBodySchema = {
  $id: 'messageBody',
  type: 'object',
  properties: {
    name: nameShape,
    correlationKey: { type: ['string', 'null'], maxLength: 500 },
    variables: variablesShape,
  },
  required: ['name'],
  additionalProperties: false,
} as const;
export type MessageBody = FromSchema<typeof MessageBodySchema>;

export const MessageResultSchema = {
  $id: 'messageResult',
  type: 'object',
  properties: { instanceId: uuidShape },
  required: ['instanceId'],
} as const;
export type MessageResult = FromSchema<typeof MessageResultSchema>;

export const SignalBodySchema = {
  $id: 'signalBody',
  type: 'object',
  properties: { name: nameShape, variables: variablesShape },
  required: ['name'],
  additionalProperties: false,
} as const;
export type SignalBody = FromSchema<typeof SignalBodySchema>;

export const SignalResultSchema = {
  $id: 'signalResult',
  type: 'object',
  properties: { delivered: { type: 'integer' } },
  required: ['delivered'],
} as const;
export type SignalResult = FromSchema<typeof SignalResultSchema>;
