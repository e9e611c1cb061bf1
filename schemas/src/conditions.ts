import type { FromSchema } from 'json-schema-to-ts';
import { uuidShape, variablesShape } from './common.js';

const processIdShape = { type: 'string', minLength: 1, maxLength: 200 } as const;

/** `POST /api/conditions/evaluate`: the variables conditional start events are evaluated against. */
export const ConditionEvaluateBodySchema = {
  $id: 'conditionEvaluateBody',
  type: 'object',
  properties: {
    variables: variablesShape,
    /** Only this process; without it, every process with a conditional start event. */
    processId: processIdShape,
  },
  additionalProperties: false,
} as const;
export type ConditionEvaluateBody = FromSchema<typeof ConditionEvaluateBodySchema>;

/**
 * Which processes started, which parallel multiple start events gathered a condition, which the
 * caller may not start, and which conditions failed.
 */
export const ConditionEvaluationSchema = {
  $id: 'conditionEvaluation',
  type: 'object',
  properties: {
    started: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          processId: { type: 'string' },
          startEventId: { type: 'string' },
          instanceId: uuidShape,
        },
        required: ['processId', 'startEventId', 'instanceId'],
        additionalProperties: false,
      },
    },
    gathered: {
      type: 'array',
      description:
        "Parallel multiple start events (every definition needed) whose conditions held: each such condition was recorded as one trigger of the start event's gathering. instanceId is the instance started when a condition was the last missing trigger, else null (GET /api/processes/{processId}/start-gatherings lists what is still missing).",
      items: {
        type: 'object',
        properties: {
          processId: { type: 'string' },
          startEventId: { type: 'string' },
          instanceId: { ...uuidShape, type: ['string', 'null'] },
        },
        required: ['processId', 'startEventId', 'instanceId'],
        additionalProperties: false,
      },
    },
    notAllowed: { type: 'array', items: { type: 'string' } },
    failed: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          processId: { type: 'string' },
          elementId: { type: 'string' },
          message: { type: 'string' },
        },
        required: ['processId', 'elementId', 'message'],
        additionalProperties: false,
      },
    },
  },
  required: ['started', 'gathered', 'notAllowed', 'failed'],
  additionalProperties: false,
} as const;
export type ConditionEvaluation = FromSchema<typeof ConditionEvaluationSchema>;
