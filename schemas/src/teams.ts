import type { FromSchema } from 'json-schema-to-ts';
import { usernameShape } from './auth.js';
import { dateTimeShape } from './common.js';

/**
 * An absence (docs/TEAMS.md): `userId` is away in [from, to); tasks that would be assigned to
 * them go to `substitute` (followed along a chain), group tasks are not offered to them, and the
 * substitute sees what is already assigned to them. It ends by itself at `to`.
 */
export const AbsenceSchema = {
  $id: 'absence',
  type: 'object',
  properties: {
    id: { type: 'string' },
    userId: { type: 'string' },
    from: dateTimeShape,
    to: dateTimeShape,
    substitute: { type: ['string', 'null'] },
    note: { type: ['string', 'null'] },
    createdBy: { type: ['string', 'null'] },
    createdAt: dateTimeShape,
    /** Under way now (the engine's clock). */
    active: { type: 'boolean' },
  },
  required: ['id', 'userId', 'from', 'to', 'substitute', 'note', 'createdBy', 'createdAt', 'active'],
} as const;
export type Absence = FromSchema<typeof AbsenceSchema>;

export const AbsenceListSchema = {
  $id: 'absenceList',
  type: 'object',
  properties: { items: { type: 'array', items: { $ref: 'absence#' } } },
  required: ['items'],
} as const;
export type AbsenceList = { items: Absence[] };

/** `current` (default): under way or still to come; `active`: under way now; `all`: also ended ones. */
export const AbsenceListQuerySchema = {
  $id: 'absenceListQuery',
  type: 'object',
  properties: {
    userId: usernameShape,
    substitute: usernameShape,
    scope: { type: 'string', enum: ['current', 'active', 'all'] },
  },
  additionalProperties: false,
} as const;
export type AbsenceListQuery = FromSchema<typeof AbsenceListQuerySchema>;

/** A new absence; `userId` defaults to the caller. Setting one for someone else: admins and managers. */
export const AbsenceCreateSchema = {
  $id: 'absenceCreate',
  type: 'object',
  properties: {
    userId: usernameShape,
    from: dateTimeShape,
    to: dateTimeShape,
    substitute: { anyOf: [usernameShape, { type: 'null' }] },
    note: { type: ['string', 'null'], maxLength: 1000 },
  },
  required: ['from', 'to'],
  additionalProperties: false,
} as const;
export type AbsenceCreate = FromSchema<typeof AbsenceCreateSchema>;

/** A team's open load: `group` narrows it to that group's members. */
export const TeamLoadQuerySchema = {
  $id: 'teamLoadQuery',
  type: 'object',
  properties: { group: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' } },
  additionalProperties: false,
} as const;
export type TeamLoadQuery = FromSchema<typeof TeamLoadQuerySchema>;

/** Open (and overdue) assigned tasks per person and process, for the processes the caller manages. */
export const TeamLoadSchema = {
  $id: 'teamLoad',
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          user: { type: 'string' },
          processId: { type: 'string' },
          open: { type: 'integer' },
          overdue: { type: 'integer' },
        },
        required: ['user', 'processId', 'open', 'overdue'],
      },
    },
    /** The group's members (every person with a load when no group is given), with who is away now. */
    members: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          user: { type: 'string' },
          open: { type: 'integer' },
          awayUntil: { type: ['string', 'null'], format: 'date-time' },
          substitute: { type: ['string', 'null'] },
        },
        required: ['user', 'open', 'awayUntil', 'substitute'],
      },
    },
  },
  required: ['items', 'members'],
} as const;
export type TeamLoad = FromSchema<typeof TeamLoadSchema>;
