import type { FromSchema } from 'json-schema-to-ts';
import {
  dateTimeShape,
  deployIssueShape,
  pageProperties,
  pageQueryProperties,
  slugShape,
  uuidShape,
} from './common.js';

const definitionShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    processId: { type: 'string' },
    version: { type: 'integer' },
    name: { type: ['string', 'null'] },
    hash: { type: 'string' },
    deployedAt: dateTimeShape,
    deployedBy: { type: ['string', 'null'] },
    formIds: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'processId', 'version', 'name', 'hash', 'deployedAt', 'deployedBy', 'formIds'],
} as const;

/** One deployed version of one BPMN process. */
export const DefinitionSchema = { $id: 'definition', ...definitionShape } as const;
export type Definition = FromSchema<typeof DefinitionSchema>;

export const DefinitionDetailSchema = {
  $id: 'definitionDetail',
  type: 'object',
  properties: {
    ...definitionShape.properties,
    xml: { type: 'string' },
    startFormId: { type: ['string', 'null'] },
  },
  required: [...definitionShape.required, 'xml', 'startFormId'],
} as const;
export type DefinitionDetail = FromSchema<typeof DefinitionDetailSchema>;

export const DefinitionListSchema = {
  $id: 'definitionList',
  type: 'object',
  properties: { items: { type: 'array', items: definitionShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type DefinitionList = FromSchema<typeof DefinitionListSchema>;

export const DefinitionListQuerySchema = {
  $id: 'definitionListQuery',
  type: 'object',
  properties: { processId: slugShape, ...pageQueryProperties },
} as const;
export type DefinitionListQuery = FromSchema<typeof DefinitionListQuerySchema>;

/** Deploy body: JSON `{ xml }`, or the raw XML with `Content-Type: application/xml`. */
export const DeployBodySchema = {
  $id: 'deployBody',
  type: 'object',
  properties: { xml: { type: 'string', minLength: 1 } },
  required: ['xml'],
  additionalProperties: false,
} as const;
export type DeployBody = FromSchema<typeof DeployBodySchema>;

export const DeployResultSchema = {
  $id: 'deployResult',
  type: 'object',
  properties: {
    definitions: {
      type: 'array',
      items: {
        type: 'object',
        properties: { ...definitionShape.properties, isNew: { type: 'boolean' } },
        required: [...definitionShape.required, 'isNew'],
      },
    },
    /** What was accepted but ignored (foreign-namespace attributes, type references, …). */
    warnings: { type: 'array', items: deployIssueShape },
  },
  required: ['definitions'],
} as const;
export type DeployResult = FromSchema<typeof DeployResultSchema>;

/** Problems found in a BPMN file, for the designer to pin on elements (empty when valid). */
export const ValidateResultSchema = {
  $id: 'validateResult',
  type: 'object',
  properties: {
    issues: { type: 'array', items: deployIssueShape },
    /** Accepted, but ignored: deploying would succeed and report these. */
    warnings: { type: 'array', items: deployIssueShape },
  },
  required: ['issues'],
} as const;
export type ValidateResult = FromSchema<typeof ValidateResultSchema>;

const processShape = {
  type: 'object',
  properties: {
    processId: { type: 'string' },
    name: { type: ['string', 'null'] },
    version: { type: 'integer' },
    definitionId: uuidShape,
    startFormId: { type: ['string', 'null'] },
    startable: {
      type: 'boolean',
      description: 'the caller may start it (see PUT /api/processes/{processId}/starters)',
    },
  },
  required: ['processId', 'name', 'version', 'definitionId', 'startFormId'],
} as const;

/** Latest version of each process, for "start a process". */
export const ProcessListSchema = {
  $id: 'processList',
  type: 'object',
  properties: { items: { type: 'array', items: processShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type ProcessList = FromSchema<typeof ProcessListSchema>;
export type ProcessSummary = FromSchema<typeof processShape>;

export const ProcessParamsSchema = {
  $id: 'processParams',
  type: 'object',
  properties: { processId: slugShape },
  required: ['processId'],
} as const;
export type ProcessParams = FromSchema<typeof ProcessParamsSchema>;
