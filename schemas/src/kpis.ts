import type { FromSchema } from 'json-schema-to-ts';

/** Per-process figures for the manager views. */
export const KpiSummarySchema = {
  $id: 'kpiSummary',
  type: 'object',
  properties: {
    processId: { type: 'string' },
    running: { type: 'integer' },
    completed: { type: 'integer' },
    avgCycleMs: { type: ['number', 'null'] },
    p90CycleMs: { type: ['number', 'null'] },
    calendarId: { type: ['string', 'null'] },
    avgWorkingCycleMs: { type: ['number', 'null'], description: 'average cycle time in working time' },
    overdueTasks: { type: 'integer' },
    escalations: { type: 'integer' },
    workload: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          assignee: { type: ['string', 'null'] },
          group: { type: ['string', 'null'] },
          open: { type: 'integer' },
        },
        required: ['assignee', 'group', 'open'],
      },
    },
    timePerElement: { type: 'object', additionalProperties: { type: 'number' } },
  },
  required: [
    'processId',
    'running',
    'completed',
    'avgCycleMs',
    'p90CycleMs',
    'calendarId',
    'avgWorkingCycleMs',
    'overdueTasks',
    'escalations',
    'workload',
    'timePerElement',
  ],
} as const;
export type KpiSummaryDto = FromSchema<typeof KpiSummarySchema>;
