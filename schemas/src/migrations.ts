import type { FromSchema } from 'json-schema-to-ts';
import { uuidShape } from './common.js';

const elementIdShape = { type: 'string', minLength: 1, maxLength: 255 } as const;

const migrationPlanProperties = {
  targetDefinitionId: uuidShape,
  mappings: {
    type: 'array',
    maxItems: 1000,
    description: 'Source element id -> target element id; an unmapped element keeps its id',
    items: {
      type: 'object',
      properties: { sourceElementId: elementIdShape, targetElementId: elementIdShape },
      required: ['sourceElementId', 'targetElementId'],
      additionalProperties: false,
    },
  },
  reason: { type: 'string', maxLength: 2000 },
  dryRun: { type: 'boolean', description: 'Check and report; change nothing' },
} as const;

/** Moves one running instance to another deployed version. */
export const MigrationBodySchema = {
  $id: 'migrationBody',
  type: 'object',
  properties: migrationPlanProperties,
  required: ['targetDefinitionId'],
  additionalProperties: false,
} as const;
export type MigrationBody = FromSchema<typeof MigrationBodySchema>;

/** Moves every running instance of one version (up to `limit` per call), each on its own. */
export const BatchMigrationBodySchema = {
  $id: 'batchMigrationBody',
  type: 'object',
  properties: {
    sourceDefinitionId: uuidShape,
    ...migrationPlanProperties,
    limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
  },
  required: ['sourceDefinitionId', 'targetDefinitionId'],
  additionalProperties: false,
} as const;
export type BatchMigrationBody = FromSchema<typeof BatchMigrationBodySchema>;

const versionShape = {
  type: 'object',
  properties: {
    definitionId: { type: 'string' },
    processId: { type: 'string' },
    version: { type: 'integer' },
  },
  required: ['definitionId', 'processId', 'version'],
} as const;

const problemShape = {
  type: 'object',
  properties: { code: { type: 'string' }, elementId: { type: 'string' }, message: { type: 'string' } },
  required: ['code', 'elementId', 'message'],
} as const;

const reportShape = {
  type: 'object',
  properties: {
    instanceId: { type: 'string' },
    dryRun: { type: 'boolean' },
    migrated: { type: 'boolean' },
    from: versionShape,
    to: versionShape,
    problems: { type: 'array', items: problemShape },
    elementMap: { type: 'object', additionalProperties: { type: 'string' } },
    moved: {
      type: 'object',
      properties: {
        tasks: { type: 'integer' },
        jobs: { type: 'integer' },
        subscriptions: { type: 'integer' },
        incidents: { type: 'integer' },
      },
      required: ['tasks', 'jobs', 'subscriptions', 'incidents'],
    },
  },
  required: ['instanceId', 'dryRun', 'migrated', 'from', 'to', 'problems', 'elementMap', 'moved'],
} as const;

export const MigrationReportSchema = { $id: 'migrationReport', ...reportShape } as const;
export type MigrationReportDto = FromSchema<typeof MigrationReportSchema>;

export const BatchMigrationReportSchema = {
  $id: 'batchMigrationReport',
  type: 'object',
  properties: {
    dryRun: { type: 'boolean' },
    migrated: { type: 'integer' },
    failed: { type: 'integer' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          instanceId: { type: 'string' },
          report: reportShape,
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' } },
            required: ['code', 'message'],
          },
        },
        required: ['instanceId'],
      },
    },
  },
  required: ['dryRun', 'migrated', 'failed', 'results'],
} as const;
export type BatchMigrationReportDto = FromSchema<typeof BatchMigrationReportSchema>;

/** Token modification: cancel every active instance of some elements, start tokens before others. */
export const ModificationBodySchema = {
  $id: 'modificationBody',
  type: 'object',
  properties: {
    cancel: { type: 'array', maxItems: 100, items: elementIdShape },
    startBefore: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        properties: { elementId: elementIdShape, variables: { type: 'object', additionalProperties: true } },
        required: ['elementId'],
        additionalProperties: false,
      },
    },
    reason: { type: 'string', maxLength: 2000 },
  },
  additionalProperties: false,
} as const;
export type ModificationBody = FromSchema<typeof ModificationBodySchema>;
