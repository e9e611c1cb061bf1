import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeShape, nullableDateTimeShape, pageProperties, uuidShape } from './common.js';
import { scopeShape } from './scopes.js';

/** A token's scopes: what it may do, within what its owner's roles allow (see `scopes.ts`). */
const scopesShape = {
  type: 'array',
  minItems: 1,
  maxItems: 20,
  uniqueItems: true,
  items: scopeShape,
} as const;

const apiTokenShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    /** The owner: the user the token acts as. */
    userId: uuidShape,
    name: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    /** Survives the owner's password change and role change (set by an admin only). */
    keepOnCredentialChange: { type: 'boolean' },
    createdAt: dateTimeShape,
    lastUsedAt: nullableDateTimeShape,
  },
  required: ['id', 'userId', 'name', 'scopes', 'keepOnCredentialChange', 'createdAt', 'lastUsedAt'],
} as const;

/** An API token as listed: never the secret itself. */
export const ApiTokenSchema = { $id: 'apiToken', ...apiTokenShape } as const;
export type ApiToken = FromSchema<typeof ApiTokenSchema>;

export const ApiTokenListSchema = {
  $id: 'apiTokenList',
  type: 'object',
  properties: { items: { type: 'array', items: apiTokenShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type ApiTokenList = FromSchema<typeof ApiTokenListSchema>;

/** `GET /api/tokens`: your own tokens; an admin may name another user. */
export const ApiTokenListQuerySchema = {
  $id: 'apiTokenListQuery',
  type: 'object',
  properties: { userId: uuidShape },
  additionalProperties: false,
} as const;
export type ApiTokenListQuery = FromSchema<typeof ApiTokenListQuerySchema>;

/**
 * A new token: each scope must be one the owner's roles allow (403 otherwise, pointing at
 * `/scopes/<i>`). Only admins may set `userId` (a token for someone else, within that user's
 * roles) or `keepOnCredentialChange`.
 */
export const ApiTokenCreateSchema = {
  $id: 'apiTokenCreate',
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    scopes: scopesShape,
    userId: uuidShape,
    keepOnCredentialChange: { type: 'boolean', default: false },
  },
  required: ['name', 'scopes'],
  additionalProperties: false,
} as const;
export type ApiTokenCreate = FromSchema<typeof ApiTokenCreateSchema>;

/** Returned once, on creation: `token` is the bearer secret and is never shown again. */
export const ApiTokenCreatedSchema = {
  $id: 'apiTokenCreated',
  type: 'object',
  properties: { ...apiTokenShape.properties, token: { type: 'string' } },
  required: [...apiTokenShape.required, 'token'],
} as const;
export type ApiTokenCreated = FromSchema<typeof ApiTokenCreatedSchema>;
