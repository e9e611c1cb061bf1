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
  properties: {
    /** null when a parallel multiple start event gathered the message and waits for its other triggers. */
    instanceId: { ...uuidShape, type: ['string', 'null'] },
    /** Set when a parallel multiple start event gathered the message. */
    gathered: {
      type: 'object',
      properties: { processId: { type: 'string' }, startEventId: { type: 'string' } },
      required: ['processId', 'startEventId'],
      additionalProperties: false,
    },
  },
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

const gatheredTriggerShape = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['message', 'signal', 'timer', 'conditional'] },
    /** The event definition it fulfils (index in document order). */
    definition: { type: 'integer' },
    name: { type: ['string', 'null'] },
    correlationKey: { type: ['string', 'null'] },
    arrivedAt: { type: 'string', format: 'date-time' },
  },
  required: ['kind', 'definition', 'name', 'correlationKey', 'arrivedAt'],
  additionalProperties: false,
} as const;

/** The open gatherings of a process's parallel multiple start events. */
export const StartGatheringListSchema = {
  $id: 'startGatheringList',
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          processId: { type: 'string' },
          definitionId: uuidShape,
          version: { type: 'integer' },
          startEventId: { type: 'string' },
          correlationKey: { type: ['string', 'null'] },
          openedAt: { type: 'string', format: 'date-time' },
          triggers: { type: 'array', items: gatheredTriggerShape },
          missing: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                definition: { type: 'integer' },
                kind: { type: 'string', enum: ['message', 'signal', 'timer', 'conditional'] },
                name: { type: ['string', 'null'] },
              },
              required: ['definition', 'kind', 'name'],
              additionalProperties: false,
            },
          },
          queued: { type: 'integer' },
        },
        required: [
          'processId',
          'definitionId',
          'version',
          'startEventId',
          'correlationKey',
          'openedAt',
          'triggers',
          'missing',
          'queued',
        ],
        additionalProperties: false,
      },
    },
  },
  required: ['items'],
  additionalProperties: false,
} as const;
export type StartGatheringList = FromSchema<typeof StartGatheringListSchema>;
