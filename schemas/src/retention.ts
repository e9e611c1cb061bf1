import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeShape } from './common.js';

/** How long a process keeps its finished instances; null: for ever (the default). */
export const RetentionSchema = {
  $id: 'retention',
  type: 'object',
  properties: {
    ttlDays: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 36500,
      description: 'Days a finished instance is kept, with its history and tasks; null keeps it for ever',
    },
  },
  required: ['ttlDays'],
  additionalProperties: false,
} as const;
export type Retention = FromSchema<typeof RetentionSchema>;

/** One instance with everything recorded of it, to keep elsewhere before retention removes it. */
export const InstanceExportSchema = {
  $id: 'instanceExport',
  type: 'object',
  properties: {
    format: { type: 'string', const: 'baton.instance/1' },
    exportedAt: dateTimeShape,
    instance: { $ref: 'instanceDetail#' },
    history: { type: 'array', items: { type: 'object', additionalProperties: true } },
    tasks: { type: 'array', items: { $ref: 'task#' } },
  },
  required: ['format', 'exportedAt', 'instance', 'history', 'tasks'],
} as const;
