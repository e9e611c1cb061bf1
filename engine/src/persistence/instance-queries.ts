import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely';
import type {
  HistoryEvent,
  Incident,
  IncidentFilter,
  InstanceDetail,
  InstanceFilter,
  InstanceSummary,
  Page,
} from '../api.js';
import { InstanceNotFoundError } from '../errors.js';
import type { Variables } from '../runtime/types.js';
import { isUuid } from './ids.js';
import { readState } from './state-format.js';
import { historyFromRow, incidentFromRow, instanceFromRow } from './rows.js';
import type { DB, InstancesTable } from './schema.js';

type InstanceExpressions = ExpressionBuilder<DB, 'instances'>;

const MAX_LIMIT = 500;

const openIncidents = (eb: InstanceExpressions) =>
  eb
    .selectFrom('incidents')
    .select((e) => e.fn.countAll<string>().as('n'))
    .whereRef('incidents.instance_id', '=', 'instances.id')
    .where('incidents.resolved_at', 'is', null)
    .as('open_incidents');

export async function listInstances(
  db: Kysely<DB>,
  filter: InstanceFilter,
  now: Date,
): Promise<Page<InstanceSummary>> {
  const where = (eb: InstanceExpressions): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [];
    if (filter.processId !== undefined) parts.push(eb('process_id', '=', filter.processId));
    if (filter.definitionId !== undefined) {
      parts.push(
        isUuid(filter.definitionId) ? eb('definition_id', '=', filter.definitionId) : sql<SqlBool>`false`,
      );
    }
    if (filter.status !== undefined) parts.push(eb('status', '=', filter.status));
    if (filter.startedAfter !== undefined) parts.push(eb('started_at', '>=', filter.startedAfter));
    if (filter.startedBefore !== undefined) parts.push(eb('started_at', '<', filter.startedBefore));
    if (filter.overdue) {
      parts.push(
        eb.exists(
          eb
            .selectFrom('user_tasks as t')
            .select('t.id')
            .whereRef('t.instance_id', '=', 'instances.id')
            .where('t.state', '=', 'created')
            .where('t.due_at', '<', now),
        ),
      );
    }
    if (filter.startedBy !== undefined) parts.push(eb('started_by', '=', filter.startedBy));
    if (filter.parentInstanceId !== undefined) {
      parts.push(
        isUuid(filter.parentInstanceId)
          ? eb('parent_instance_id', '=', filter.parentInstanceId)
          : sql<SqlBool>`false`,
      );
    }
    if (filter.participant !== undefined) {
      const who = filter.participant;
      parts.push(
        eb.or([
          eb('started_by', '=', who),
          eb.exists(
            eb
              .selectFrom('user_tasks as t')
              .select('t.id')
              .whereRef('t.instance_id', '=', 'instances.id')
              .where((t) =>
                t.or([t('t.assignee', '=', who), t('t.owner', '=', who), t('t.completed_by', '=', who)]),
              ),
          ),
        ]),
      );
    }
    if (filter.text) {
      parts.push(
        sql<SqlBool>`(strpos(lower(coalesce(business_key, '')), lower(${filter.text})) > 0
          OR strpos(lower(process_id), lower(${filter.text})) > 0 OR id::text = lower(${filter.text}))`,
      );
    }
    return eb.and(parts);
  };
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), MAX_LIMIT);
  const offset = Math.max(filter.offset ?? 0, 0);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('instances')
      .selectAll()
      .select(openIncidents)
      .where(where)
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute(),
    db
      .selectFrom('instances')
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(instanceFromRow), total: Number(count.total) };
}

/** An instance with what a diagram needs: tokens per element, the path taken, open incidents. */
export async function getInstanceDetail(db: Kysely<DB>, id: string): Promise<InstanceDetail> {
  if (!isUuid(id)) throw new InstanceNotFoundError(id);
  const [row, incidents] = await Promise.all([
    db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst(),
    listIncidents(db, { instanceId: id }),
  ]);
  if (!row) throw new InstanceNotFoundError(id);
  return detailFromRow(row, incidents);
}

/** The detail view of an instance row and its incidents. */
export function detailFromRow(
  row: Selectable<InstancesTable>,
  incidents: readonly Incident[],
): InstanceDetail {
  const state = readState(row.state, row.id);
  const activeElements: Record<string, number> = {};
  for (const token of state.tokens ?? [])
    activeElements[token.elementId] = (activeElements[token.elementId] ?? 0) + 1;
  const root = state.scopes?.find((scope) => scope.parentScopeId === null);
  const open = incidents.filter((incident) => incident.resolvedAt === null);
  return {
    ...instanceFromRow({ ...row, open_incidents: open.length }),
    variables: (root?.variables ?? {}) as Variables,
    activeElements,
    completedElementIds: state.completedElementIds ?? [],
    takenFlowIds: state.takenFlowIds ?? [],
    incidents,
    revision: row.version,
  };
}

/**
 * An instance's history, oldest first. Read through the instance: rows of an instance retention
 * removed (kept until their month is dropped) are never shown. `at >= started_at` (less a day, for
 * engine processes whose clocks disagree a little) lets PostgreSQL skip the months before it.
 */
export async function getHistory(db: Kysely<DB>, instanceId: string): Promise<HistoryEvent[]> {
  if (!isUuid(instanceId)) throw new InstanceNotFoundError(instanceId);
  const instance = await db
    .selectFrom('instances')
    .select('started_at')
    .where('id', '=', instanceId)
    .executeTakeFirst();
  if (!instance) throw new InstanceNotFoundError(instanceId);
  const rows = await historyQuery(db, instanceId, instance.started_at).execute();
  return rows.map(historyFromRow);
}

/** The read of one instance's history rows, from a day before its start on (see getHistory). */
export function historyQuery(db: Kysely<DB>, instanceId: string, startedAt: Date | string) {
  return db
    .selectFrom('history')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .where('at', '>=', sql<Date>`${startedAt}::timestamptz - interval '1 day'`)
    .orderBy('seq');
}

export async function listIncidents(
  db: Kysely<DB>,
  filter: { readonly instanceId?: string; readonly open?: boolean } = {},
): Promise<Incident[]> {
  if (filter.instanceId !== undefined && !isUuid(filter.instanceId)) return [];
  const rows = await incidentQuery(db, { ...filter, open: filter.open ?? null })
    .orderBy('incidents.created_at')
    .orderBy('incidents.id')
    .execute();
  return rows.map(incidentFromRow);
}

/** Which processes a caller may not see: their rows are left out (undefined: none). */
export interface ProcessExclusion {
  readonly excludeProcessIds?: readonly string[];
}

function incidentQuery(db: Kysely<DB>, filter: IncidentFilter & ProcessExclusion) {
  let query = db
    .selectFrom('incidents')
    .innerJoin('instances', 'instances.id', 'incidents.instance_id')
    .selectAll('incidents')
    .select('instances.process_id');
  if (filter.instanceId !== undefined) query = query.where('incidents.instance_id', '=', filter.instanceId);
  if (filter.processId !== undefined) query = query.where('instances.process_id', '=', filter.processId);
  if (filter.elementId !== undefined) query = query.where('incidents.element_id', '=', filter.elementId);
  if (filter.errorText)
    query = query.where(sql<SqlBool>`strpos(lower(incidents.message), lower(${filter.errorText})) > 0`);
  if (filter.createdBefore !== undefined)
    query = query.where('incidents.created_at', '<', filter.createdBefore);
  if (filter.createdAfter !== undefined)
    query = query.where('incidents.created_at', '>=', filter.createdAfter);
  const open = filter.open === undefined ? true : filter.open;
  if (open === true) query = query.where('incidents.resolved_at', 'is', null);
  if (open === false) query = query.where('incidents.resolved_at', 'is not', null);
  if (filter.excludeProcessIds && filter.excludeProcessIds.length > 0)
    query = query.where('instances.process_id', 'not in', [...filter.excludeProcessIds]);
  return query;
}

/** Incidents across instances, oldest first, with the total before paging. */
export async function findIncidents(
  db: Kysely<DB>,
  filter: IncidentFilter & ProcessExclusion,
  maxLimit = MAX_LIMIT,
): Promise<Page<Incident>> {
  if (filter.instanceId !== undefined && !isUuid(filter.instanceId)) return { items: [], total: 0 };
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), maxLimit);
  const offset = Math.max(filter.offset ?? 0, 0);
  const [rows, count] = await Promise.all([
    incidentQuery(db, filter)
      .orderBy('incidents.created_at')
      .orderBy('incidents.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    incidentQuery(db, filter)
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(incidentFromRow), total: Number(count.total) };
}
