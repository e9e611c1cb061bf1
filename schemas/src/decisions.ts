import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeShape, pageProperties, pageQueryProperties, uuidShape } from './common.js';

const decisionShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    decisionId: { type: 'string', description: 'the DMN decision id; versions count per decision id' },
    version: { type: 'integer' },
    name: { type: ['string', 'null'] },
    decisionRequirementsId: {
      type: 'string',
      description: 'the `definitions` id of the DMN file; required decisions come from the same file',
    },
    hash: { type: 'string' },
    deployedAt: dateTimeShape,
    deployedBy: { type: ['string', 'null'] },
  },
  required: [
    'id',
    'decisionId',
    'version',
    'name',
    'decisionRequirementsId',
    'hash',
    'deployedAt',
    'deployedBy',
  ],
} as const;

/** One deployed version of one DMN decision. */
export const DecisionSchema = { $id: 'decision', ...decisionShape } as const;
export type Decision = FromSchema<typeof DecisionSchema>;

export const DecisionListSchema = {
  $id: 'decisionList',
  type: 'object',
  properties: { items: { type: 'array', items: decisionShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type DecisionList = FromSchema<typeof DecisionListSchema>;

export const DecisionListQuerySchema = {
  $id: 'decisionListQuery',
  type: 'object',
  properties: {
    decisionId: { type: 'string', minLength: 1, maxLength: 255 },
    latestOnly: { type: 'boolean' },
    ...pageQueryProperties,
  },
} as const;
export type DecisionListQuery = FromSchema<typeof DecisionListQuerySchema>;

/**
 * Answer to deploying a DMN file (`POST /api/decisions`, JSON `{ xml }` or the raw XML): one
 * entry per decision of the file; `isNew` false when its latest version came from the same file.
 */
export const DecisionDeployResultSchema = {
  $id: 'decisionDeployResult',
  type: 'object',
  properties: {
    decisions: {
      type: 'array',
      items: {
        type: 'object',
        properties: { ...decisionShape.properties, isNew: { type: 'boolean' } },
        required: [...decisionShape.required, 'isNew'],
      },
    },
  },
  required: ['decisions'],
} as const;
export type DecisionDeployResult = FromSchema<typeof DecisionDeployResultSchema>;

/** One deployed version with the whole DMN file it came from (`GET /api/decisions/:id`). */
export const DecisionDetailSchema = {
  $id: 'decisionDetail',
  type: 'object',
  properties: {
    ...decisionShape.properties,
    xml: { type: 'string', description: 'the whole DMN file the version came from' },
  },
  required: [...decisionShape.required, 'xml'],
} as const;
export type DecisionDetail = FromSchema<typeof DecisionDetailSchema>;

/**
 * Evaluates a deployed decision on its own (`POST /api/decisions/evaluate`, Zeebe's
 * EvaluateDecision): the latest version unless `version` is given.
 */
export const DecisionEvaluateBodySchema = {
  $id: 'decisionEvaluateBody',
  type: 'object',
  properties: {
    decisionId: { type: 'string', minLength: 1, maxLength: 255 },
    version: { type: 'integer', minimum: 1 },
    variables: { type: 'object', additionalProperties: true, description: 'what its inputs read' },
  },
  required: ['decisionId'],
  additionalProperties: false,
} as const;
export type DecisionEvaluateBody = FromSchema<typeof DecisionEvaluateBodySchema>;

/** The called decision's result and every decision evaluated for it, required ones first. */
export const DecisionEvaluateResultSchema = {
  $id: 'decisionEvaluateResult',
  type: 'object',
  properties: {
    decisionId: { type: 'string' },
    version: { type: 'integer' },
    result: { description: 'shaped as a business rule task hands it to its result variable' },
    evaluations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          decisionId: { type: 'string' },
          decisionName: { type: 'string' },
          matchedRuleIds: {
            type: 'array',
            items: { type: 'string' },
            description: 'decision tables: the rules whose input entries all held, in rule order',
          },
          result: {},
        },
        required: ['decisionId', 'matchedRuleIds', 'result'],
      },
    },
  },
  required: ['decisionId', 'version', 'result', 'evaluations'],
} as const;
export type DecisionEvaluateResult = FromSchema<typeof DecisionEvaluateResultSchema>;

/** `GET /api/decisions/:id/evaluations`: `id` is the DMN decision id (every version's records). */
export const DecisionIdParamsSchema = {
  $id: 'decisionIdParams',
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 255, description: 'the DMN decision id' } },
  required: ['id'],
} as const;
export type DecisionIdParams = FromSchema<typeof DecisionIdParamsSchema>;

export const DecisionEvaluationListQuerySchema = {
  $id: 'decisionEvaluationListQuery',
  type: 'object',
  properties: { ...pageQueryProperties },
} as const;
export type DecisionEvaluationListQuery = FromSchema<typeof DecisionEvaluationListQuerySchema>;

const decisionEvaluationShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    decisionKey: { ...uuidShape, description: 'the evaluated version (`GET /api/decisions/:id`)' },
    decisionId: { type: 'string' },
    version: { type: 'integer' },
    evaluatedAt: dateTimeShape,
    evaluatedBy: { type: ['string', 'null'], description: "the caller's stable id" },
    matchedRuleIds: { type: 'array', items: { type: 'string' } },
    inputs: { description: 'the variables it was given; `{ truncated, bytes }` when too large to keep' },
    result: { description: 'the result; the same marker when too large' },
    evaluations: { description: 'every decision evaluated, required ones first' },
  },
  required: [
    'id',
    'decisionKey',
    'decisionId',
    'version',
    'evaluatedAt',
    'evaluatedBy',
    'matchedRuleIds',
    'inputs',
    'result',
    'evaluations',
  ],
} as const;

/** Evaluations of a decision on its own (`POST /api/decisions/evaluate`), newest first. */
export const DecisionEvaluationListSchema = {
  $id: 'decisionEvaluationList',
  type: 'object',
  properties: { items: { type: 'array', items: decisionEvaluationShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type DecisionEvaluationList = FromSchema<typeof DecisionEvaluationListSchema>;
