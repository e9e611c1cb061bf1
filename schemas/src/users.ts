import type { FromSchema } from 'json-schema-to-ts';
import { passwordShape, roleShape, usernameShape } from './auth.js';
import { dateTimeShape, pageProperties, pageQueryProperties, uuidShape } from './common.js';

const userShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    username: { type: 'string' },
    displayName: { type: 'string' },
    roles: { type: 'array', items: roleShape },
    groups: { type: 'array', items: { type: 'string' } },
    locale: { type: 'string' },
    /** false: deactivated by an admin (cannot sign in; every credential was revoked). */
    active: { type: 'boolean' },
    createdAt: dateTimeShape,
  },
  required: ['id', 'username', 'displayName'],
} as const;

/** A user: admins see every field, others only `{ id, username, displayName }` (for pickers). */
export const UserSchema = { $id: 'user', ...userShape } as const;
export type User = FromSchema<typeof UserSchema>;

export const UserListSchema = {
  $id: 'userList',
  type: 'object',
  properties: { items: { type: 'array', items: userShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type UserList = FromSchema<typeof UserListSchema>;

export const UserListQuerySchema = {
  $id: 'userListQuery',
  type: 'object',
  properties: { q: { type: 'string', maxLength: 200 }, ...pageQueryProperties },
} as const;
export type UserListQuery = FromSchema<typeof UserListQuerySchema>;

const groupNamesShape = {
  type: 'array',
  maxItems: 100,
  items: { type: 'string', minLength: 1, maxLength: 100 },
} as const;

export const UserCreateSchema = {
  $id: 'userCreate',
  type: 'object',
  properties: {
    username: usernameShape,
    displayName: { type: 'string', minLength: 1, maxLength: 200 },
    password: passwordShape,
    roles: { type: 'array', items: roleShape, uniqueItems: true, default: [] },
    groups: groupNamesShape,
    locale: { type: 'string', enum: ['en', 'zh-CN'], default: 'en' },
  },
  required: ['username', 'password'],
  additionalProperties: false,
} as const;
export type UserCreate = FromSchema<typeof UserCreateSchema>;

export const UserPatchSchema = {
  $id: 'userPatch',
  type: 'object',
  properties: {
    displayName: { type: 'string', minLength: 1, maxLength: 200 },
    password: passwordShape,
    roles: { type: 'array', items: roleShape, uniqueItems: true },
    groups: groupNamesShape,
    locale: { type: 'string', enum: ['en', 'zh-CN'] },
    /** false deactivates the account (revokes every credential), true reactivates it. */
    active: { type: 'boolean' },
  },
  additionalProperties: false,
  minProperties: 1,
} as const;
export type UserPatch = FromSchema<typeof UserPatchSchema>;
