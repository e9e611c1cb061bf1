import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeShape, nullableDateTimeShape, pageProperties, uuidShape } from './common.js';

const apiTokenShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    name: { type: 'string' },
    createdAt: dateTimeShape,
    lastUsedAt: nullableDateTimeShape,
  },
  required: ['id', 'name', 'createdAt', 'lastUsedAt'],
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

export const ApiTokenCreateSchema = {
  $id: 'apiTokenCreate',
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['name'],
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
