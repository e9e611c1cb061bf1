import type { FromSchema } from 'json-schema-to-ts';

const localized = {
  type: 'object',
  required: ['en', 'zh'],
  properties: { en: { type: 'string', minLength: 1 }, zh: { type: 'string', minLength: 1 } },
  additionalProperties: false,
} as const;

const slug = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' } as const;

/**
 * `template.json` of a built-in template: what the gallery shows and what the server needs to
 * install it (the process id its BPMN defines, the forms to save first, the groups whose members
 * play its roles) and to start it (the start form, the variables it needs, a timer if any).
 */
export const TemplateManifestSchema = {
  $id: 'template-manifest',
  type: 'object',
  required: ['id', 'version', 'name', 'description', 'processId', 'groups', 'start', 'forms', 'practice'],
  properties: {
    id: slug,
    /** Bumped on every change; the server deploys a newer version as a new process version. */
    version: { type: 'integer', minimum: 1 },
    name: localized,
    description: localized,
    processId: slug,
    groups: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
    start: {
      type: 'object',
      required: ['variables'],
      properties: {
        /** The start event's form; absent when the first task collects everything. */
        formId: slug,
        /** Variables a programmatic start must provide (the start form's required fields). */
        variables: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 } },
        /** A timer start, as written in the BPMN (cron or ISO 8601 cycle). */
        timerCycle: { type: 'string', minLength: 1 },
      },
      additionalProperties: false,
    },
    forms: { type: 'array', minItems: 1, uniqueItems: true, items: slug },
    /** The collaboration practice it encodes (1-5), or the FAQ on conflicts. */
    practice: { anyOf: [{ type: 'integer', minimum: 1, maximum: 5 }, { const: 'faq' }] },
  },
  additionalProperties: false,
} as const;

/** A template manifest (`template.json`). */
export type TemplateManifest = FromSchema<typeof TemplateManifestSchema>;
