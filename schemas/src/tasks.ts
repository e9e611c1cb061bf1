import type { FromSchema } from 'json-schema-to-ts';
import { usernameShape } from './auth.js';
import {
  dateTimeShape,
  nullableDateTimeShape,
  pageProperties,
  pageQueryProperties,
  slugShape,
  uuidShape,
  variablesShape,
} from './common.js';

const taskShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    instanceId: uuidShape,
    definitionId: uuidShape,
    processId: { type: 'string' },
    elementId: { type: 'string' },
    name: { type: 'string' },
    /**
     * `completing`: a completion waits for the task's completing listeners; `assigning`: an assignee
     * change waits for its assigning listeners; `updating`: a change of its dates, priority or
     * candidates waits for its updating listeners.
     */
    state: {
      type: 'string',
      enum: ['created', 'assigning', 'updating', 'completing', 'completed', 'cancelled'],
    },
    assignee: { type: ['string', 'null'] },
    owner: { type: ['string', 'null'] },
    delegated: { type: 'boolean' },
    candidateUsers: { type: 'array', items: { type: 'string' } },
    candidateGroups: { type: 'array', items: { type: 'string' } },
    dueAt: nullableDateTimeShape,
    followUpAt: nullableDateTimeShape,
    priority: { type: 'integer' },
    formId: { type: ['string', 'null'] },
    variables: variablesShape,
    draft: { type: ['object', 'null'], additionalProperties: true },
    createdAt: dateTimeShape,
    completedAt: nullableDateTimeShape,
    completedBy: { type: ['string', 'null'] },
    /** Creation order across all tasks: larger was created later, even within one millisecond. */
    sequence: { type: 'integer', minimum: 1 },
    /** Set on a task created by returning (驳回) a later task to this step: which task, who, why. */
    returnedFrom: {
      type: ['object', 'null'],
      properties: {
        taskId: uuidShape,
        elementId: { type: 'string' },
        by: { type: ['string', 'null'] },
        reason: { type: 'string' },
        at: dateTimeShape,
      },
      required: ['taskId', 'elementId', 'by', 'reason', 'at'],
    },
  },
  required: [
    'id',
    'instanceId',
    'definitionId',
    'processId',
    'elementId',
    'name',
    'state',
    'assignee',
    'owner',
    'delegated',
    'candidateUsers',
    'candidateGroups',
    'dueAt',
    'followUpAt',
    'priority',
    'formId',
    'variables',
    'draft',
    'createdAt',
    'completedAt',
    'completedBy',
    'sequence',
    'returnedFrom',
  ],
} as const;

/** A user task. */
export const TaskSchema = { $id: 'task', ...taskShape } as const;
export type Task = FromSchema<typeof TaskSchema>;

/** A task with the form it opens and the earlier steps it may be returned to. */
export const TaskDetailSchema = {
  $id: 'taskDetail',
  type: 'object',
  properties: {
    ...taskShape.properties,
    form: {
      type: ['object', 'null'],
      properties: {
        formId: { type: 'string' },
        version: { type: 'integer' },
        schema: { type: 'object', additionalProperties: true },
        uiSchema: { type: 'object', additionalProperties: true },
      },
      required: ['schema', 'uiSchema'],
    },
    returnTargets: {
      type: 'array',
      items: {
        type: 'object',
        properties: { elementId: { type: 'string' }, name: { type: 'string' } },
        required: ['elementId', 'name'],
      },
    },
  },
  required: [...taskShape.required, 'form', 'returnTargets'],
} as const;
export type TaskDetail = FromSchema<typeof TaskDetailSchema>;

export const TaskListSchema = {
  $id: 'taskList',
  type: 'object',
  properties: {
    items: { type: 'array', items: taskShape },
    ...pageProperties,
    counts: {
      type: 'object',
      properties: { mine: { type: 'integer' }, claimable: { type: 'integer' }, overdue: { type: 'integer' } },
      required: ['mine', 'claimable', 'overdue'],
    },
  },
  required: ['items', 'total', 'limit', 'offset', 'counts'],
} as const;
export type TaskList = FromSchema<typeof TaskListSchema>;

/**
 * Filters of the inbox beyond the list's own: a priority range, and headline variables' values
 * (`headline=region=north`: the task variable `region` is `north`, compared as text; at most 5).
 * Saved views take the same parameters (`viewFilterShape`).
 */
export const inboxFilterProperties = {
  priorityMin: { type: 'integer', minimum: -1000000, maximum: 1000000 },
  priorityMax: { type: 'integer', minimum: -1000000, maximum: 1000000 },
  headline: {
    type: 'array',
    maxItems: 5,
    items: { type: 'string', minLength: 2, maxLength: 300, pattern: '^[^=]{1,100}=' },
  },
} as const;

export const TaskListQuerySchema = {
  $id: 'taskListQuery',
  type: 'object',
  properties: {
    scope: { type: 'string', enum: ['mine', 'claimable', 'all', 'visible'], default: 'visible' },
    processId: slugShape,
    instanceId: uuidShape,
    /** The BPMN element (user task id in the diagram) the tasks belong to. */
    elementId: { type: 'string', minLength: 1, maxLength: 200 },
    state: {
      type: 'string',
      enum: ['created', 'assigning', 'updating', 'completing', 'completed', 'cancelled'],
    },
    dueBefore: dateTimeShape,
    overdue: { type: 'boolean' },
    q: { type: 'string', maxLength: 200 },
    /** `created`: newest first; `sequence`: oldest first, in creation order. */
    sort: { type: 'string', enum: ['due', 'priority', 'created', 'sequence'], default: 'due' },
    ...inboxFilterProperties,
    ...pageQueryProperties,
  },
} as const;
export type TaskListQuery = FromSchema<typeof TaskListQuerySchema>;

const reasonShape = { type: 'string', minLength: 1, maxLength: 2000 } as const;

export const HandoffBodySchema = {
  $id: 'handoffBody',
  type: 'object',
  properties: {
    toUser: usernameShape,
    toGroup: { type: 'string', minLength: 1, maxLength: 100 },
    reason: reasonShape,
  },
  required: ['reason'],
  oneOf: [{ required: ['toUser'] }, { required: ['toGroup'] }],
  additionalProperties: false,
} as const;
export type HandoffBody = FromSchema<typeof HandoffBodySchema>;

export const DelegateBodySchema = {
  $id: 'delegateBody',
  type: 'object',
  properties: { toUser: usernameShape, reason: reasonShape },
  required: ['toUser'],
  additionalProperties: false,
} as const;
export type DelegateBody = FromSchema<typeof DelegateBodySchema>;

export const ReturnBodySchema = {
  $id: 'returnBody',
  type: 'object',
  properties: { targetElementId: { type: 'string', minLength: 1, maxLength: 200 }, reason: reasonShape },
  required: ['targetElementId', 'reason'],
  additionalProperties: false,
} as const;
export type ReturnBody = FromSchema<typeof ReturnBodySchema>;

export const CommentBodySchema = {
  $id: 'commentBody',
  type: 'object',
  properties: { text: { type: 'string', minLength: 1, maxLength: 10_000 } },
  required: ['text'],
  additionalProperties: false,
} as const;
export type CommentBody = FromSchema<typeof CommentBodySchema>;

export const AssignBodySchema = {
  $id: 'assignBody',
  type: 'object',
  properties: { user: usernameShape },
  required: ['user'],
  additionalProperties: false,
} as const;
export type AssignBody = FromSchema<typeof AssignBodySchema>;

/** complete, resolve and draft: the form data. */
export const TaskDataBodySchema = {
  $id: 'taskDataBody',
  type: 'object',
  properties: { variables: { ...variablesShape, default: {} } },
  additionalProperties: false,
} as const;
export type TaskDataBody = FromSchema<typeof TaskDataBodySchema>;

/** A changeset date: an ISO 8601 date-time with a zone, '' to clear it, or null to keep it. */
const changesetDateShape = {
  type: ['string', 'null'],
  maxLength: 64,
  anyOf: [{ format: 'date-time' }, { const: '' }],
} as const;

const candidatesShape = {
  type: ['array', 'null'],
  maxItems: 1000,
  items: { type: 'string', minLength: 1, maxLength: 100 },
} as const;

/**
 * `PATCH /api/tasks/:id`, as Camunda 8's "update user task": the changeset names the fields to
 * change; an absent or null field stays, '' clears a date, an empty list clears candidates. The
 * assignee is changed by claim and assign, not here.
 */
export const TaskUpdateBodySchema = {
  $id: 'taskUpdateBody',
  type: 'object',
  properties: {
    changeset: {
      type: 'object',
      properties: {
        dueDate: changesetDateShape,
        followUpDate: changesetDateShape,
        priority: { type: ['integer', 'null'], minimum: 0, maximum: 100 },
        candidateUsers: candidatesShape,
        candidateGroups: candidatesShape,
      },
      minProperties: 1,
      additionalProperties: false,
    },
  },
  required: ['changeset'],
  additionalProperties: false,
} as const;
export type TaskUpdateBody = FromSchema<typeof TaskUpdateBodySchema>;
