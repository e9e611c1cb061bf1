import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import type { Page, Task, TaskFilter } from '../api.js';
import { PREPARE } from '../database.js';
import { isUuid } from './ids.js';
import { taskFromRow } from './rows.js';
import type { DB, InstancesTable, UserTasksTable } from './schema.js';

/** The same page bounds as the general task query (`listTasks`); the lookup test holds them equal. */
const MAX_LIMIT = 500;

/** A `listTasks` filter the by-instance lookup answers: one instance's tasks, nothing person-based. */
export function isInstanceLookup(filter: TaskFilter): filter is TaskFilter & { readonly instanceId: string } {
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (!['instanceId', 'state', 'sort', 'limit', 'offset'].includes(key)) return false;
  }
  return filter.instanceId !== undefined;
}

/** The instance row as read beside its open tasks (one snapshot), for the engine's instance cache. */
export type InstanceSnapshot = Selectable<InstancesTable>;

const INSTANCE_LOOKUP_ORDER: Record<NonNullable<TaskFilter['sort']>, string> = {
  due: 't.due_at ASC NULLS LAST, t.priority DESC, t.seq',
  priority: 't.priority DESC, t.due_at ASC NULLS LAST, t.seq',
  created: 't.created_at DESC, t.seq DESC',
  sequence: 't.seq',
};

/**
 * The lookup's statement for a sort order; parameters: instance id, state (or null), limit,
 * offset. Exported for the test that checks its plan.
 */
export const INSTANCE_LOOKUP_SQL = (sort: NonNullable<TaskFilter['sort']>): string =>
  `SELECT t.*, i.definition_id AS i_definition_id, i.process_id AS i_process_id,
        i.definition_version AS i_definition_version, i.status AS i_status, i.version AS i_version,
        i.history_seq AS i_history_seq, i.state AS i_state, i.business_key AS i_business_key,
        i.started_at AS i_started_at, i.started_by AS i_started_by, i.ended_at AS i_ended_at,
        i.parent_instance_id AS i_parent_instance_id, i.parent_token_id AS i_parent_token_id
      FROM (SELECT * FROM user_tasks WHERE instance_id = $1::uuid OFFSET 0) t JOIN instances i ON i.id = t.instance_id
      WHERE $2::text IS NULL OR t.state = $2::text
      ORDER BY ${INSTANCE_LOOKUP_ORDER[sort]} LIMIT $3::int OFFSET $4::int`;

type LookupRow = Selectable<UserTasksTable> & {
  i_definition_id: string;
  i_process_id: string;
  i_definition_version: number;
  i_status: string;
  i_version: number;
  i_history_seq: number;
  i_state: InstanceSnapshot['state'];
  i_business_key: string | null;
  i_started_at: InstanceSnapshot['started_at'];
  i_started_by: string | null;
  i_ended_at: InstanceSnapshot['ended_at'];
  i_parent_instance_id: string | null;
  i_parent_token_id: string | null;
};

/**
 * `listTasks({ instanceId, state?, sort?, limit?, offset? })` as one prepared statement: the
 * instance's tasks through the `user_tasks_instance` index (an instance has a handful), and no
 * count query when the page is not full (then the total is what the page holds). When the page
 * holds every open task of the instance, `open` is the instance row read in the same snapshot,
 * so the engine can remember it: a completion of one of these tasks then needs no read of its
 * own (its write's version check proves the row still current).
 *
 * Measured (docs/BENCHMARKS.md, client path (b)): the general inbox query and its parallel count
 * took two connections and two plans per lookup; this is one.
 *
 * The instance's rows are read through `user_tasks_instance` alone, and the state is filtered
 * after (`OFFSET 0` keeps the planner from pushing it down): given `state = 'created'`, the
 * planner otherwise scanned an index of ALL open tasks (`user_tasks_state_due`, or a bitmap of
 * `user_tasks_open_assignee` ANDed with the instance's), so a lookup read every open task, and
 * with a bitmap scan (which never marks entries dead) every task completed since the last
 * vacuum (`test/engine/lookup-path.test.ts` › "reads the instance's tasks through the instance
 * index alone").
 */
export async function listInstanceTasks(
  db: Kysely<DB>,
  filter: TaskFilter & { readonly instanceId: string },
): Promise<{ readonly page: Page<Task>; readonly open?: { instance: InstanceSnapshot; tasks: Task[] } }> {
  if (!isUuid(filter.instanceId)) return { page: { items: [], total: 0 } };
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), MAX_LIMIT);
  const offset = Math.max(filter.offset ?? 0, 0);
  const { rows } = await db.executeQuery(
    CompiledQuery.raw(`${PREPARE}${INSTANCE_LOOKUP_SQL(filter.sort ?? 'due')}`, [
      filter.instanceId,
      filter.state ?? null,
      limit,
      offset,
    ]) as CompiledQuery<LookupRow>,
  );
  const items = rows.map(taskFromRow);
  const complete = rows.length < limit && (rows.length > 0 || offset === 0);
  const total = complete
    ? offset + rows.length
    : Number(
        (
          await db
            .selectFrom('user_tasks')
            .select((eb) => eb.fn.countAll<string>().as('total'))
            .where('instance_id', '=', filter.instanceId)
            .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state!))
            .executeTakeFirstOrThrow()
        ).total,
      );
  const first = rows[0];
  const allOpen = complete && offset === 0 && (filter.state === undefined || filter.state === 'created');
  if (!first || !allOpen) return { page: { items, total } };
  const instance: InstanceSnapshot = {
    id: first.instance_id,
    definition_id: first.i_definition_id,
    process_id: first.i_process_id,
    definition_version: first.i_definition_version,
    status: first.i_status,
    version: first.i_version,
    history_seq: first.i_history_seq,
    state: first.i_state,
    business_key: first.i_business_key,
    started_at: first.i_started_at,
    started_by: first.i_started_by,
    ended_at: first.i_ended_at,
    parent_instance_id: first.i_parent_instance_id,
    parent_token_id: first.i_parent_token_id,
  };
  return { page: { items, total }, open: { instance, tasks: items.filter((t) => t.state === 'created') } };
}
