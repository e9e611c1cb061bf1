import type { FromSchema } from 'json-schema-to-ts';
import { localizedNameShape, pageProperties, slugShape } from './common.js';

const templateFormShape = {
  type: 'object',
  properties: {
    formId: { type: 'string' },
    name: localizedNameShape,
    schema: { type: 'object', additionalProperties: true },
    uiSchema: { type: 'object', additionalProperties: true },
    i18n: { type: 'object', additionalProperties: true },
  },
  required: ['formId', 'name', 'schema'],
  additionalProperties: true,
} as const;

/** A built-in template: its manifest fields (`template.json`) plus the BPMN and its forms. */
export const TemplateSchema = {
  $id: 'template',
  type: 'object',
  properties: {
    id: { type: 'string' },
    xml: { type: 'string' },
    forms: { type: 'array', items: templateFormShape },
  },
  required: ['id', 'xml', 'forms'],
  additionalProperties: true,
} as const;
export type TemplateDto = FromSchema<typeof TemplateSchema>;

export const TemplateListSchema = {
  $id: 'templateList',
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' } },
        required: ['id'],
        additionalProperties: true,
      },
    },
    ...pageProperties,
  },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type TemplateList = FromSchema<typeof TemplateListSchema>;

export const TemplateParamsSchema = {
  $id: 'templateParams',
  type: 'object',
  properties: { id: slugShape },
  required: ['id'],
} as const;
export type TemplateParams = FromSchema<typeof TemplateParamsSchema>;

/** A copy of a template's BPMN with a fresh process id, to edit and deploy as one's own. */
export const TemplateCopySchema = {
  $id: 'templateCopy',
  type: 'object',
  properties: { processId: { type: 'string' }, xml: { type: 'string' } },
  required: ['processId', 'xml'],
} as const;
export type TemplateCopy = FromSchema<typeof TemplateCopySchema>;
