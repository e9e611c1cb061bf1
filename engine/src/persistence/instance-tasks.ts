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

/** The page's order over the task rows named `t` (the general query's order, `seq` last). */
const INSTANCE_LOOKUP_ORDER: Record<NonNullable<TaskFilter['sort']>, (t: string) => string> = {
  due: (t) => `${t}.due_at ASC NULLS LAST, ${t}.priority DESC, ${t}.seq`,
  priority: (t) => `${t}.priority DESC, ${t}.due_at ASC NULLS LAST, ${t}.seq`,
  created: (t) => `${t}.created_at DESC, ${t}.seq DESC`,
  sequence: (t) => `${t}.seq`,
};

const INSTANCE_COLUMNS = `i.definition_id AS i_definition_id, i.process_id AS i_process_id,
        i.definition_version AS i_definition_version, i.status AS i_status, i.version AS i_version,
        i.history_seq AS i_history_seq, i.state AS i_state, i.business_key AS i_business_key,
        i.started_at AS i_started_at, i.started_by AS i_started_by, i.ended_at AS i_ended_at,
        i.parent_instance_id AS i_parent_instance_id, i.parent_token_id AS i_parent_token_id`;

/**
 * The lookup's statement for a sort order; parameters: instance id, state (or null), limit,
 * offset. Exported for the test that checks its plan.
 */
export const INSTANCE_LOOKUP_SQL = (sort: NonNullable<TaskFilter['sort']>): string =>
  `SELECT t.*, ${INSTANCE_COLUMNS}
      FROM (SELECT * FROM user_tasks WHERE instance_id = $1::uuid OFFSET 0) t JOIN instances i ON i.id = t.instance_id
      WHERE $2::text IS NULL OR t.state = $2::text
      ORDER BY ${INSTANCE_LOOKUP_ORDER[sort]('t')} LIMIT $3::int OFFSET $4::int`;

/**
 * The same lookup for several instances in one statement (first pages only); parameters: the
 * instance ids (`uuid[]`), state (or null), limit. Each row carries `k_n`, the 1-based position of
 * its instance in the list; rows come in that order, each instance's in the page's order. Every
 * instance's tasks are read through `user_tasks_instance` alone, as in the single lookup.
 */
export const INSTANCE_BATCH_LOOKUP_SQL = (sort: NonNullable<TaskFilter['sort']>): string =>
  `SELECT k.n AS k_n, t.*, ${INSTANCE_COLUMNS}
      FROM unnest($1::uuid[]) WITH ORDINALITY AS k(id, n)
      JOIN instances i ON i.id = k.id
      CROSS JOIN LATERAL (
        SELECT u.* FROM (SELECT * FROM user_tasks WHERE instance_id = k.id OFFSET 0) u
        WHERE $2::text IS NULL OR u.state = $2::text
        ORDER BY ${INSTANCE_LOOKUP_ORDER[sort]('u')} LIMIT $3::int) t
      ORDER BY k.n, ${INSTANCE_LOOKUP_ORDER[sort]('t')}`;

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
): Promise<InstanceLookup> {
  if (!isUuid(filter.instanceId)) return { page: { items: [], total: 0 } };
  const { limit, offset } = pageBounds(filter);
  const { rows } = await db.executeQuery(
    CompiledQuery.raw(`${PREPARE}${INSTANCE_LOOKUP_SQL(filter.sort ?? 'due')}`, [
      filter.instanceId,
      filter.state ?? null,
      limit,
      offset,
    ]) as CompiledQuery<LookupRow>,
  );
  return answer(db, filter, rows);
}

/** A by-instance lookup's answer: the page, and the instance as read beside all its open tasks. */
export interface InstanceLookup {
  readonly page: Page<Task>;
  readonly open?: { instance: InstanceSnapshot; tasks: Task[] };
}

function pageBounds(filter: TaskFilter): { limit: number; offset: number } {
  return {
    limit: Math.min(Math.max(filter.limit ?? 50, 1), MAX_LIMIT),
    offset: Math.max(filter.offset ?? 0, 0),
  };
}

/** The answer to `filter` from the page's rows (a count query only when the page is full). */
async function answer(
  db: Kysely<DB>,
  filter: TaskFilter & { readonly instanceId: string },
  rows: readonly LookupRow[],
): Promise<InstanceLookup> {
  const { limit, offset } = pageBounds(filter);
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

/** Lookups per statement at most; more wait for the next (a statement's size stays bounded). */
const MAX_BATCH = 100;

interface Waiting {
  readonly filter: TaskFilter & { readonly instanceId: string };
  resolve(answer: InstanceLookup): void;
  reject(error: unknown): void;
}

/**
 * By-instance lookups that wait for one another: while a lookup's statement is in flight, the
 * lookups asked meanwhile (of the same sort, state and page size) wait, and then go together as
 * ONE statement (`INSTANCE_BATCH_LOOKUP_SQL`). A lone lookup goes at once, as
 * `listInstanceTasks`. Each answer is read after it was asked for, in one snapshot with the
 * instance row, so it is as current as a statement of its own would be; a statement's failure
 * fails every lookup in it.
 *
 * Measured (docs/BENCHMARKS.md, client paths (b) and (c)): many callers each finding their
 * instance's task made one statement each; a statement costs the database about as much
 * whatever it reads, so lookups that go together cost it little more than one.
 */
export class InstanceTaskLookups {
  readonly #db: Kysely<DB>;
  /** Per batch key: the lookups waiting for the key's statement in flight (absent: none in flight). */
  readonly #waiting = new Map<string, Waiting[]>();
  /** Statements made, single or batched (for tests). */
  statements = 0;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  lookup(filter: TaskFilter & { readonly instanceId: string }): Promise<InstanceLookup> {
    if (!isUuid(filter.instanceId)) return listInstanceTasks(this.#db, filter); // answered without a statement
    const { limit, offset } = pageBounds(filter);
    if (offset > 0) return this.#single(filter);
    const key = `${filter.sort ?? 'due'}|${filter.state ?? ''}|${limit}`;
    const waiting = this.#waiting.get(key);
    if (waiting) return new Promise((resolve, reject) => waiting.push({ filter, resolve, reject }));
    this.#waiting.set(key, []);
    return this.#single(filter).finally(() => this.#next(key));
  }

  #single(filter: TaskFilter & { readonly instanceId: string }): Promise<InstanceLookup> {
    this.statements++;
    return listInstanceTasks(this.#db, filter);
  }

  /** Runs what waited on `key` as one statement, then what waited on that, until none waits. */
  #next(key: string): void {
    const batch = this.#waiting.get(key) ?? [];
    if (batch.length === 0) {
      this.#waiting.delete(key);
      return;
    }
    this.#waiting.set(key, batch.splice(MAX_BATCH));
    this.#batch(batch).finally(() => this.#next(key));
  }

  async #batch(batch: readonly Waiting[]): Promise<void> {
    const { filter } = batch[0]!;
    try {
      this.statements++;
      const { rows } = await this.#db.executeQuery(
        CompiledQuery.raw(`${PREPARE}${INSTANCE_BATCH_LOOKUP_SQL(filter.sort ?? 'due')}`, [
          batch.map((w) => w.filter.instanceId),
          filter.state ?? null,
          pageBounds(filter).limit,
        ]) as CompiledQuery<LookupRow & { k_n: string | number }>,
      );
      const byPosition = new Map<number, LookupRow[]>();
      for (const row of rows) {
        const n = Number(row.k_n);
        const list = byPosition.get(n);
        if (list) list.push(row);
        else byPosition.set(n, [row]);
      }
      await Promise.all(
        batch.map((w, index) =>
          answer(this.#db, w.filter, byPosition.get(index + 1) ?? []).then(w.resolve, w.reject),
        ),
      );
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
