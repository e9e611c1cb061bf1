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
  properties: {
    user: sessionUserShape,
    csrfToken: { type: ['string', 'null'] },
    /** An API token's scopes; null for a session (its roles alone decide). */
    scopes: { type: ['array', 'null'], items: { type: 'string' } },
  },
  required: ['user', 'csrfToken'],
} as const;
export type Me = FromSchema<typeof MeSchema>;
export type SessionUser = FromSchema<typeof sessionUserShape>;

/**
 * A password as the API accepts it. Length and strength are checked by the server's password
 * policy (400 `PASSWORD_TOO_WEAK`), not here, so every weak password gets the same code.
 */
export const passwordShape = { type: 'string', minLength: 1, maxLength: 1024 } as const;

/** `POST /api/auth/password`: the signed-in user changes their own password. */
export const PasswordChangeBodySchema = {
  $id: 'passwordChangeBody',
  type: 'object',
  properties: {
    currentPassword: { type: 'string', minLength: 1, maxLength: 1024 },
    newPassword: passwordShape,
  },
  required: ['currentPassword', 'newPassword'],
  additionalProperties: false,
} as const;
export type PasswordChangeBody = FromSchema<typeof PasswordChangeBodySchema>;
