import type { FromSchema } from 'json-schema-to-ts';
import {
  dateTimeShape,
  nullableDateTimeShape,
  pageProperties,
  pageQueryProperties,
  slugShape,
  uuidShape,
  variablesShape,
} from './common.js';

export const INSTANCE_STATUSES = ['active', 'completed', 'terminated', 'cancelled'] as const;

const instanceSummaryShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    definitionId: uuidShape,
    processId: { type: 'string' },
    version: { type: 'integer' },
    status: { type: 'string', enum: INSTANCE_STATUSES },
    businessKey: { type: ['string', 'null'] },
    startedAt: dateTimeShape,
    startedBy: { type: ['string', 'null'] },
    endedAt: nullableDateTimeShape,
    parentInstanceId: { type: ['string', 'null'] },
    openIncidents: { type: 'integer' },
  },
  required: [
    'id',
    'definitionId',
    'processId',
    'version',
    'status',
    'businessKey',
    'startedAt',
    'startedBy',
    'endedAt',
    'parentInstanceId',
    'openIncidents',
  ],
} as const;

export const incidentShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    instanceId: uuidShape,
    processId: { type: 'string' },
    elementId: { type: 'string' },
    type: { type: 'string' },
    message: { type: 'string' },
    jobId: { type: ['string', 'null'] },
    createdAt: dateTimeShape,
    resolvedAt: nullableDateTimeShape,
  },
  required: [
    'id',
    'instanceId',
    'processId',
    'elementId',
    'type',
    'message',
    'jobId',
    'createdAt',
    'resolvedAt',
  ],
} as const;

export const InstanceSummarySchema = { $id: 'instanceSummary', ...instanceSummaryShape } as const;
export type InstanceSummary = FromSchema<typeof InstanceSummarySchema>;

/** An instance with what the diagram and the variables view need. */
export const InstanceDetailSchema = {
  $id: 'instanceDetail',
  type: 'object',
  properties: {
    ...instanceSummaryShape.properties,
    variables: variablesShape,
    activeElements: { type: 'object', additionalProperties: { type: 'integer' } },
    completedElementIds: { type: 'array', items: { type: 'string' } },
    takenFlowIds: { type: 'array', items: { type: 'string' } },
    incidents: { type: 'array', items: incidentShape },
  },
  required: [
    ...instanceSummaryShape.required,
    'variables',
    'activeElements',
    'completedElementIds',
    'takenFlowIds',
    'incidents',
  ],
} as const;
export type InstanceDetail = FromSchema<typeof InstanceDetailSchema>;

export const InstanceListSchema = {
  $id: 'instanceList',
  type: 'object',
  properties: { items: { type: 'array', items: instanceSummaryShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type InstanceList = FromSchema<typeof InstanceListSchema>;

export const InstanceListQuerySchema = {
  $id: 'instanceListQuery',
  type: 'object',
  properties: {
    processId: slugShape,
    status: { type: 'string', enum: INSTANCE_STATUSES },
    startedAfter: dateTimeShape,
    startedBefore: dateTimeShape,
    overdue: { type: 'boolean' },
    /** Child instances that call activities of this instance started. */
    parentInstanceId: uuidShape,
    q: { type: 'string', maxLength: 200 },
    ...pageQueryProperties,
  },
} as const;
export type InstanceListQuery = FromSchema<typeof InstanceListQuerySchema>;

export const InstanceStartSchema = {
  $id: 'instanceStart',
  type: 'object',
  properties: {
    processId: slugShape,
    version: { type: 'integer', minimum: 1 },
    variables: variablesShape,
    businessKey: { type: 'string', minLength: 1, maxLength: 200 },
  },
  required: ['processId'],
  additionalProperties: false,
} as const;
export type InstanceStart = FromSchema<typeof InstanceStartSchema>;

export const VariablesBodySchema = {
  $id: 'variablesBody',
  type: 'object',
  properties: { variables: variablesShape },
  required: ['variables'],
  additionalProperties: false,
} as const;
export type VariablesBody = FromSchema<typeof VariablesBodySchema>;

const historyEventShape = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    seq: { type: 'integer' },
    at: dateTimeShape,
    type: { type: 'string' },
    elementId: { type: ['string', 'null'] },
    taskId: { type: ['string', 'null'] },
    actor: { type: ['string', 'null'] },
    data: { type: ['object', 'null'], additionalProperties: true },
  },
  required: ['seq', 'at', 'type', 'elementId', 'taskId', 'actor', 'data'],
} as const;

/** The timeline of an instance (or of one task), oldest first. */
export const HistoryListSchema = {
  $id: 'historyList',
  type: 'object',
  properties: { items: { type: 'array', items: historyEventShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type HistoryList = FromSchema<typeof HistoryListSchema>;

export const HistoryQuerySchema = {
  $id: 'historyQuery',
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 5000, default: 1000 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
} as const;
export type HistoryQuery = FromSchema<typeof HistoryQuerySchema>;

export const IncidentListSchema = {
  $id: 'incidentList',
  type: 'object',
  properties: { items: { type: 'array', items: incidentShape }, ...pageProperties },
  required: ['items', 'total', 'limit', 'offset'],
} as const;
export type IncidentList = FromSchema<typeof IncidentListSchema>;
export type Incident = FromSchema<typeof incidentShape>;

/** The same filter as the list, for a bulk retry (which takes open incidents only). */
export const incidentFilterProperties = {
  instanceId: uuidShape,
  processId: slugShape,
  elementId: { type: 'string', minLength: 1, maxLength: 200 },
  /** Case-insensitive part of the error message. */
  errorText: { type: 'string', minLength: 1, maxLength: 200 },
  /** Raised before this instant (older than). */
  createdBefore: dateTimeShape,
  /** Raised at or after this instant. */
  createdAfter: dateTimeShape,
} as const;

export const IncidentListQuerySchema = {
  $id: 'incidentListQuery',
  type: 'object',
  properties: {
    ...incidentFilterProperties,
    open: { type: 'boolean', default: true },
    ...pageQueryProperties,
  },
} as const;
export type IncidentListQuery = FromSchema<typeof IncidentListQuerySchema>;
