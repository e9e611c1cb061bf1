import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { InvalidArgumentError } from '../errors.js';
import { isUuid } from '../persistence/ids.js';
import type { DB } from '../persistence/schema.js';
import type { BatchFilter, BatchKind } from './types.js';

/** Explicit instance ids one batch request may name. */
export const MAX_BATCH_IDS = 1_000;
/** Items one batch takes on; a filter matching more is refused (narrow it, or run several batches). */
export const MAX_BATCH_ITEMS = 100_000;
/** Rows a dry run shows. */
export const DRY_RUN_SAMPLE = 20;

const STATUSES = new Set(['active', 'completed', 'terminated', 'cancelled']);

/** Checks a filter's fields (types, sizes, ranges); refuses with INVALID_ARGUMENT naming the field. */
export function checkFilter(filter: BatchFilter): void {
  const text = (name: string, value: unknown, max: number) => {
    if (value === undefined) return;
    if (typeof value !== 'string' || value.length === 0 || value.length > max)
      throw new InvalidArgumentError(`filter.${name} must be text of 1 to ${max} characters`);
  };
  text('processId', filter.processId, 200);
  text('activeElementId', filter.activeElementId, 200);
  text('incidentError', filter.incidentError, 500);
  if (filter.version !== undefined) {
    if (!Number.isInteger(filter.version) || filter.version < 1)
      throw new InvalidArgumentError('filter.version must be a whole number from 1');
    if (filter.processId === undefined)
      throw new InvalidArgumentError('filter.version needs filter.processId');
  }
  if (filter.status !== undefined && !STATUSES.has(filter.status))
    throw new InvalidArgumentError('filter.status must be active, completed, terminated or cancelled');
  for (const name of ['startedAfter', 'startedBefore'] as const) {
    const at = filter[name];
    if (at !== undefined && (!(at instanceof Date) || Number.isNaN(at.getTime())))
      throw new InvalidArgumentError(`filter.${name} must be a date-time`);
  }
  if (filter.instanceIds !== undefined) {
    if (filter.instanceIds.length === 0 || filter.instanceIds.length > MAX_BATCH_IDS)
      throw new InvalidArgumentError(`filter.instanceIds must name 1 to ${MAX_BATCH_IDS} instances`);
    for (const id of filter.instanceIds)
      if (typeof id !== 'string' || !isUuid(id))
        throw new InvalidArgumentError(`filter.instanceIds holds '${String(id)}', which is no instance id`);
  }
}

/**
 * The SQL condition on `instances` for a kind and a filter, minus the processes the creator does
 * not manage. Cancel, migrate and variables take active instances; retry takes instances with an
 * open incident.
 */
export function filterCondition(
  kind: BatchKind,
  filter: BatchFilter,
  excludedProcessIds: readonly string[],
): (eb: ExpressionBuilder<DB, 'instances'>) => Expression<SqlBool> {
  return (eb) => {
    const openIncident = (message?: string) =>
      eb.exists(
        eb
          .selectFrom('incidents as inc')
          .select('inc.id')
          .whereRef('inc.instance_id', '=', 'instances.id')
          .where('inc.resolved_at', 'is', null)
          .$if(message !== undefined, (q) =>
            q.where(sql<SqlBool>`strpos(lower(inc.message), lower(${message ?? ''})) > 0`),
          ),
      );
    const parts: Expression<SqlBool>[] = [];
    if (kind === 'retry') parts.push(openIncident());
    else parts.push(eb('instances.status', '=', 'active'));
    if (filter.processId !== undefined) parts.push(eb('instances.process_id', '=', filter.processId));
    if (filter.version !== undefined) parts.push(eb('instances.definition_version', '=', filter.version));
    if (filter.status !== undefined) parts.push(eb('instances.status', '=', filter.status));
    if (filter.activeElementId !== undefined)
      parts.push(
        sql<SqlBool>`instances.state -> 'tokens' @> ${JSON.stringify([{ elementId: filter.activeElementId }])}::jsonb`,
      );
    if (filter.incidentError !== undefined) parts.push(openIncident(filter.incidentError));
    if (filter.startedAfter !== undefined) parts.push(eb('instances.started_at', '>=', filter.startedAfter));
    if (filter.startedBefore !== undefined) parts.push(eb('instances.started_at', '<', filter.startedBefore));
    if (filter.instanceIds !== undefined) parts.push(eb('instances.id', 'in', [...filter.instanceIds]));
    if (excludedProcessIds.length > 0)
      parts.push(eb('instances.process_id', 'not in', [...excludedProcessIds]));
    return eb.and(parts);
  };
}
