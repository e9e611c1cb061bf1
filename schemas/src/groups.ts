import type { FromSchema } from 'json-schema-to-ts';
import { usernameShape } from './auth.js';
import { pageProperties, uuidShape } from './common.js';

const groupShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    name: { type: 'string' },
    displayName: { type: 'string' },
    members: { type: 'array', items: { type: 'string' }, description: 'usernames' },
  },
  required: ['id', 'name', 'displayName', 'members'],
} as const;

/** A group; its `name` is what BPMN candidate groups refer to. */
export const GroupSchema = { $id: 'group', ...groupShape } as const;
export type Group = FromSchema<typeof GroupSchema>;

export const GroupListSchema = {
  $id: 'groupList',
  type: 'object',
  properties: { items: { type: 'array', items: groupShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type GroupList = FromSchema<typeof GroupListSchema>;

export const GroupCreateSchema = {
  $id: 'groupCreate',
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' },
    displayName: { type: 'string', minLength: 1, maxLength: 200 },
  },
  required: ['name'],
  additionalProperties: false,
} as const;
export type GroupCreate = FromSchema<typeof GroupCreateSchema>;

/** `:id` of a group: its UUID or its name. */
export const GroupParamsSchema = {
  $id: 'groupParams',
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['id'],
} as const;
export type GroupParams = FromSchema<typeof GroupParamsSchema>;

export const GroupMembersSchema = {
  $id: 'groupMembers',
  type: 'object',
  properties: { usernames: { type: 'array', maxItems: 10_000, uniqueItems: true, items: usernameShape } },
  required: ['usernames'],
  additionalProperties: false,
} as const;
export type GroupMembers = FromSchema<typeof GroupMembersSchema>;
