import type { FromSchema } from 'json-schema-to-ts';
import { uuidShape } from './common.js';

export const ROLES = ['admin', 'designer', 'manager', 'staff', 'worker'] as const;
export const roleShape = { type: 'string', enum: ROLES } as const;
export type Role = (typeof ROLES)[number];

export const usernameShape = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_.@-]+$',
} as const;

/** The signed-in user as the web app sees it. */
export const sessionUserShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    username: { type: 'string' },
    displayName: { type: 'string' },
    roles: { type: 'array', items: roleShape },
    groups: { type: 'array', items: { type: 'string' } },
    locale: { type: 'string' },
  },
  required: ['id', 'username', 'displayName', 'roles', 'groups', 'locale'],
} as const;

export const LoginBodySchema = {
  $id: 'loginBody',
  type: 'object',
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
  required: ['username', 'password'],
  additionalProperties: false,
} as const;
export type LoginBody = FromSchema<typeof LoginBodySchema>;

/** Answer of login and of `GET /api/auth/me`. */
export const MeSchema = {
  $id: 'me',
  type: 'object',
  properties: { user: sessionUserShape, csrfToken: { type: ['string', 'null'] } },
  required: ['user', 'csrfToken'],
} as const;
export type Me = FromSchema<typeof MeSchema>;
export type SessionUser = FromSchema<typeof sessionUserShape>;
