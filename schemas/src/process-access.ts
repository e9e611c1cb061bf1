import type { FromSchema } from 'json-schema-to-ts';

const groupNameShape = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_.-]+$',
} as const;

/**
 * The groups that manage a process (their members with the manager role see its instances and
 * KPIs, cancel, set variables, retry incidents, reassign) or may start it. An empty list means
 * no restriction: every manager manages it, everyone signed in may start it.
 */
export const ProcessGroupsSchema = {
  $id: 'processGroups',
  type: 'object',
  properties: {
    processId: { type: 'string' },
    groups: { type: 'array', items: { type: 'string' } },
  },
  required: ['processId', 'groups'],
} as const;
export type ProcessGroups = FromSchema<typeof ProcessGroupsSchema>;

/** Replaces the groups of a process (`[]` lifts the restriction). */
export const ProcessGroupsBodySchema = {
  $id: 'processGroupsBody',
  type: 'object',
  properties: { groups: { type: 'array', maxItems: 100, uniqueItems: true, items: groupNameShape } },
  required: ['groups'],
  additionalProperties: false,
} as const;
export type ProcessGroupsBody = FromSchema<typeof ProcessGroupsBodySchema>;
