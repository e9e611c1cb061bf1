import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeShape } from './common.js';

/**
 * Business calendars (docs/TEAMS.md, "Working hours"): working days and hours in an IANA zone,
 * holidays and make-up working days (调休). The shapes and budgets are checked here; the meaning
 * (25:00, an unknown zone, overlapping hours) by the engine, each problem with its JSON pointer.
 */
const timeShape = { type: 'string', pattern: '^\\d{2}:\\d{2}$', description: 'HH:MM, 00:00-24:00' } as const;
const dayShape = {
  type: 'object',
  properties: {
    date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    name: { type: 'string', maxLength: 100 },
  },
  required: ['date'],
  additionalProperties: false,
} as const;
const calendarFields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Asia/Shanghai' },
  workingDays: {
    type: 'array',
    maxItems: 7,
    items: { type: 'integer', minimum: 1, maximum: 7 },
    description: 'ISO weekdays: 1 = Monday ... 7 = Sunday',
  },
  hours: {
    type: 'array',
    minItems: 1,
    maxItems: 12,
    items: {
      type: 'object',
      properties: { start: timeShape, end: timeShape },
      required: ['start', 'end'],
      additionalProperties: false,
    },
  },
  holidays: { type: 'array', maxItems: 2000, items: dayShape },
  makeUpDays: { type: 'array', maxItems: 1000, items: dayShape },
} as const;

export const CalendarSchema = {
  $id: 'calendar',
  type: 'object',
  properties: {
    id: { type: 'string' },
    ...calendarFields,
    version: { type: 'integer' },
    updatedAt: dateTimeShape,
    updatedBy: { type: ['string', 'null'] },
  },
  required: [
    'id',
    'name',
    'timeZone',
    'workingDays',
    'hours',
    'holidays',
    'makeUpDays',
    'version',
    'updatedAt',
    'updatedBy',
  ],
} as const;
export type Calendar = FromSchema<typeof CalendarSchema>;

export const CalendarListSchema = {
  $id: 'calendarList',
  type: 'object',
  properties: { items: { type: 'array', items: { $ref: 'calendar#' } } },
  required: ['items'],
} as const;
export type CalendarList = { items: Calendar[] };

/** The body of `PUT /api/calendars/:id`: the whole calendar (create or replace). */
export const CalendarSaveSchema = {
  $id: 'calendarSave',
  type: 'object',
  properties: calendarFields,
  required: ['name', 'timeZone', 'workingDays', 'hours', 'holidays', 'makeUpDays'],
  additionalProperties: false,
} as const;
export type CalendarSave = FromSchema<typeof CalendarSaveSchema>;

export const CalendarParamsSchema = {
  $id: 'calendarParams',
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' } },
  required: ['id'],
} as const;
export type CalendarParams = FromSchema<typeof CalendarParamsSchema>;
