import type { FromSchema } from 'json-schema-to-ts';
import {
  dateTimeShape,
  localizedNameShape,
  pageProperties,
  pageQueryProperties,
  slugShape,
} from './common.js';

const jsonObjectShape = { type: 'object', additionalProperties: true } as const;

/** Translations: locale -> JSON pointer into `schema` -> text (see the form document schema). */
const i18nShape = {
  type: 'object',
  additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
} as const;

const formShape = {
  type: 'object',
  properties: {
    formId: { type: 'string' },
    version: { type: 'integer', minimum: 1 },
    name: localizedNameShape,
    schema: jsonObjectShape,
    uiSchema: jsonObjectShape,
    i18n: i18nShape,
    updatedAt: dateTimeShape,
    createdBy: { type: ['string', 'null'] },
  },
  required: ['formId', 'version', 'name', 'schema', 'uiSchema', 'updatedAt'],
} as const;

/** One version of a form: a JSON Schema (draft 2020-12 or draft-07) plus a uiSchema. */
export const FormSchema = { $id: 'form', ...formShape } as const;
export type Form = FromSchema<typeof FormSchema>;

export const FormListSchema = {
  $id: 'formList',
  type: 'object',
  properties: { items: { type: 'array', items: formShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type FormList = FromSchema<typeof FormListSchema>;

export const FormListQuerySchema = {
  $id: 'formListQuery',
  type: 'object',
  properties: { q: { type: 'string', maxLength: 200 }, ...pageQueryProperties },
} as const;
export type FormListQuery = FromSchema<typeof FormListQuerySchema>;

/** Saving a form always creates a new version. */
export const FormSaveSchema = {
  $id: 'formSave',
  type: 'object',
  properties: {
    formId: slugShape,
    name: localizedNameShape,
    schema: jsonObjectShape,
    uiSchema: { ...jsonObjectShape, default: {} },
    i18n: i18nShape,
  },
  required: ['formId', 'name', 'schema'],
  additionalProperties: false,
} as const;
export type FormSave = FromSchema<typeof FormSaveSchema>;

export const FormParamsSchema = {
  $id: 'formParams',
  type: 'object',
  properties: { formId: slugShape },
  required: ['formId'],
} as const;
export type FormParams = FromSchema<typeof FormParamsSchema>;

export const FormGetQuerySchema = {
  $id: 'formGetQuery',
  type: 'object',
  properties: { version: { type: 'integer', minimum: 1 } },
} as const;
export type FormGetQuery = FromSchema<typeof FormGetQuerySchema>;
