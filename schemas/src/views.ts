import type { FromSchema } from 'json-schema-to-ts';
import { usernameShape } from './auth.js';
import { inboxFilterProperties } from './tasks.js';
import { dateTimeShape, fieldErrorShape, slugShape, uuidShape, variablesShape } from './common.js';

/**
 * What a saved view filters by: the inbox's own query parameters (`GET /api/tasks`), without
 * paging. Opening a view sends these to the list, so a view can never ask for more than the list
 * itself allows (`scope=all` is still checked against the caller on every request).
 */
export const viewFilterShape = {
  type: 'object',
  properties: {
    scope: { type: 'string', enum: ['mine', 'claimable', 'all', 'visible'] },
    processId: slugShape,
    elementId: { type: 'string', minLength: 1, maxLength: 200 },
    dueBefore: dateTimeShape,
    overdue: { type: 'boolean' },
    q: { type: 'string', maxLength: 200 },
    sort: { type: 'string', enum: ['due', 'priority', 'created', 'sequence'] },
    ...inboxFilterProperties,
  },
  additionalProperties: false,
} as const;
export type ViewFilter = FromSchema<typeof viewFilterShape>;

const groupNameShape = { type: 'string', minLength: 1, maxLength: 100 } as const;

/** `POST /api/views` and `PUT /api/views/:id`: a name, the filter, and optionally one group of the owner's. */
export const ViewSaveSchema = {
  $id: 'viewSave',
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    filter: viewFilterShape,
    /** A group the owner belongs to: its members see the view, read-only. `null` shares it with nobody. */
    sharedWithGroup: { anyOf: [groupNameShape, { type: 'null' }] },
  },
  required: ['name', 'filter'],
  additionalProperties: false,
} as const;
export type ViewSave = FromSchema<typeof ViewSaveSchema>;

const viewShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    name: { type: 'string' },
    filter: viewFilterShape,
    /** The owner's user id; only they may change or delete the view. */
    ownerId: uuidShape,
    ownerName: usernameShape,
    sharedWithGroup: { type: ['string', 'null'] },
    /** Whether the caller owns it (and so may edit it). */
    editable: { type: 'boolean' },
    createdAt: dateTimeShape,
    updatedAt: dateTimeShape,
  },
  required: [
    'id',
    'name',
    'filter',
    'ownerId',
    'ownerName',
    'sharedWithGroup',
    'editable',
    'createdAt',
    'updatedAt',
  ],
} as const;

export const ViewSchema = { $id: 'view', ...viewShape } as const;
export type View = FromSchema<typeof ViewSchema>;

/** The caller's own views, then those shared with one of their groups; by name. */
export const ViewListSchema = {
  $id: 'viewList',
  type: 'object',
  properties: { items: { type: 'array', items: viewShape } },
  required: ['items'],
} as const;
export type ViewList = FromSchema<typeof ViewListSchema>;

/**
 * `POST /api/tasks/bulk`: one action on up to 100 tasks. Each task is one engine command in its
 * own transaction, decided by the same policy as a single action; `handOff` needs `to` and
 * `reason`, `complete` takes `variables` (checked against each task's form).
 */
export const TaskBulkBodySchema = {
  $id: 'taskBulkBody',
  type: 'object',
  properties: {
    action: { type: 'string', enum: ['claim', 'handOff', 'complete'] },
    taskIds: { type: 'array', items: uuidShape, minItems: 1, maxItems: 100, uniqueItems: true },
    to: {
      type: 'object',
      properties: { user: usernameShape, group: groupNameShape },
      oneOf: [{ required: ['user'] }, { required: ['group'] }],
      additionalProperties: false,
    },
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    variables: variablesShape,
  },
  required: ['action', 'taskIds'],
  additionalProperties: false,
} as const;
export type TaskBulkBody = FromSchema<typeof TaskBulkBodySchema>;

/** What a bulk action did, task by task, in the order asked (the answer is 200 even when some failed). */
export const TaskBulkReportSchema = {
  $id: 'taskBulkReport',
  type: 'object',
  properties: {
    succeeded: { type: 'integer', minimum: 0 },
    failed: { type: 'integer', minimum: 0 },
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          taskId: uuidShape,
          ok: { type: 'boolean' },
          /** On failure: the problem code a single action would have answered, its status and message. */
          code: { type: 'string' },
          status: { type: 'integer' },
          message: { type: 'string' },
          /** Where this task's form refused the data (`FORM_DATA_INVALID`): JSON pointers into `variables`. */
          errors: { type: 'array', items: fieldErrorShape },
        },
        required: ['taskId', 'ok'],
      },
    },
  },
  required: ['succeeded', 'failed', 'results'],
} as const;
export type TaskBulkReport = FromSchema<typeof TaskBulkReportSchema>;
