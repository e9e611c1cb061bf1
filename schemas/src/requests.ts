import type { FromSchema } from 'json-schema-to-ts';
import { nullableDateTimeShape, pageProperties, pageQueryProperties, uuidShape } from './common.js';
import { INSTANCE_STATUSES, InstanceSummarySchema } from './instances.js';

/** A name in English, with its Chinese form when the template or the form gives one. */
const namesShape = {
  type: 'object',
  properties: { en: { type: 'string' }, zh: { type: 'string' } },
  required: ['en'],
} as const;

/** An open task of a request: where it waits and who has it (the assignee, else who may claim it). */
const requestTaskShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    elementId: { type: 'string' },
    name: namesShape,
    assignee: { type: ['string', 'null'] },
    candidateUsers: { type: 'array', items: { type: 'string' } },
    candidateGroups: { type: 'array', items: { type: 'string' } },
    dueAt: nullableDateTimeShape,
  },
  required: ['id', 'elementId', 'name', 'assignee', 'candidateUsers', 'candidateGroups', 'dueAt'],
} as const;

/**
 * One instance the caller started, as its requester follows it: the process's name, the steps it
 * is at now (active elements by name), its open tasks with who has them, and whether the caller
 * may cancel it (they manage its process: the engine's policy lets only managers cancel).
 */
const requestShape = {
  type: 'object',
  properties: {
    ...InstanceSummarySchema.properties,
    processName: namesShape,
    currentSteps: {
      type: 'array',
      items: {
        type: 'object',
        properties: { elementId: { type: 'string' }, name: { type: 'string' } },
        required: ['elementId', 'name'],
      },
    },
    openTasks: { type: 'array', items: requestTaskShape },
    canCancel: { type: 'boolean' },
  },
  required: [...InstanceSummarySchema.required, 'processName', 'currentSteps', 'openTasks', 'canCancel'],
} as const;

export const RequestListSchema = {
  $id: 'requestList',
  type: 'object',
  properties: { items: { type: 'array', items: requestShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type RequestList = FromSchema<typeof RequestListSchema>;
export type RequestSummary = RequestList['items'][number];

export const RequestListQuerySchema = {
  $id: 'requestListQuery',
  type: 'object',
  properties: {
    status: { type: 'string', enum: INSTANCE_STATUSES },
    ...pageQueryProperties,
  },
  additionalProperties: false,
} as const;
export type RequestListQuery = FromSchema<typeof RequestListQuerySchema>;

/**
 * What the inbox shows of a task beyond the task itself: its process's name, the instance's
 * business key, the task's name in both languages, and the values of the variables its form marks
 * as headline (`"ui:headline": ["title"]`).
 */
const taskCardShape = {
  type: 'object',
  properties: {
    taskId: uuidShape,
    processName: namesShape,
    businessKey: { type: ['string', 'null'] },
    taskName: namesShape,
    headline: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, value: {} },
        required: ['name'],
      },
    },
  },
  required: ['taskId', 'processName', 'businessKey', 'taskName', 'headline'],
} as const;

export const TaskCardListSchema = {
  $id: 'taskCardList',
  type: 'object',
  properties: { items: { type: 'array', items: taskCardShape } },
  required: ['items'],
} as const;
export type TaskCardList = FromSchema<typeof TaskCardListSchema>;

export const TaskCardQuerySchema = {
  $id: 'taskCardQuery',
  type: 'object',
  properties: {
    taskId: { type: 'array', items: uuidShape, minItems: 1, maxItems: 100 },
  },
  required: ['taskId'],
  additionalProperties: false,
} as const;
export type TaskCardQuery = FromSchema<typeof TaskCardQuerySchema>;
