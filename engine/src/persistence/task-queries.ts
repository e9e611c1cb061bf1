import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Page, Task, TaskFilter } from '../api.js';
import { TaskNotFoundError } from '../errors.js';
import { inboxCount, inboxPage, inboxShape } from './inbox-query.js';
import { isUuid } from './ids.js';
import { taskFromRow } from './rows.js';
import type { DB } from './schema.js';

type TaskExpressions = ExpressionBuilder<DB, 'user_tasks'>;

const MAX_LIMIT = 500;

/** Unassigned and offered to this user directly or through one of their groups; none while they are away. */
function claimable(
  eb: TaskExpressions,
  who: { readonly user: string; readonly groups: readonly string[] },
  now: Date,
) {
  return eb.and([
    eb('assignee', 'is', null),
    sql<SqlBool>`NOT EXISTS (SELECT 1 FROM absences a WHERE a.user_id = ${who.user}
      AND a.starts_at <= ${now} AND a.ends_at > ${now})`,
    eb.or([
      sql<SqlBool>`${who.user}::text = ANY(candidate_users)`,
      sql<SqlBool>`candidate_groups && ${[...who.groups]}::text[]`,
    ]),
  ]);
}

/** The plain query's WHERE clause: every filter of `TaskFilter`, in SQL. */
function taskWhere(filter: TaskFilter, now: Date) {
  return (eb: TaskExpressions): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [];
    if (filter.assignee !== undefined) parts.push(eb('assignee', '=', filter.assignee));
    if (filter.visibleTo) {
      const who = filter.visibleTo;
      parts.push(
        eb.or([
          eb('assignee', '=', who.user),
          eb('owner', '=', who.user),
          claimable(eb, who, now),
          // A substitute sees what is assigned to the people they stand in for (docs/TEAMS.md).
          sql<SqlBool>`assignee IN (SELECT a.user_id FROM absences a WHERE a.substitute = ${who.user}
            AND a.starts_at <= ${now} AND a.ends_at > ${now})`,
        ]),
      );
    }
    if (filter.claimableBy) parts.push(claimable(eb, filter.claimableBy, now));
    if (filter.instanceId !== undefined) {
      parts.push(isUuid(filter.instanceId) ? eb('instance_id', '=', filter.instanceId) : sql<SqlBool>`false`);
    }
    if (filter.processId !== undefined) parts.push(eb('process_id', '=', filter.processId));
    if (filter.elementId !== undefined) parts.push(eb('element_id', '=', filter.elementId));
    if (filter.state !== undefined) parts.push(eb('state', '=', filter.state));
    if (filter.dueBefore !== undefined) parts.push(eb('due_at', '<', filter.dueBefore));
    if (filter.overdue) parts.push(eb.and([eb('state', '=', 'created'), eb('due_at', '<', now)]));
    if (filter.text) parts.push(sql<SqlBool>`strpos(lower(name), lower(${filter.text})) > 0`);
    if (filter.priorityMin !== undefined) parts.push(eb('priority', '>=', filter.priorityMin));
    if (filter.priorityMax !== undefined) parts.push(eb('priority', '<=', filter.priorityMax));
    for (const [name, value] of Object.entries(filter.variables ?? {})) {
      parts.push(sql<SqlBool>`variables ->> ${name} = ${value}`);
    }
    return eb.and(parts);
  };
}

/**
 * The inbox query: SQL filters, a stable order (ties broken by creation sequence), and the total
 * before paging. The inbox's own shape (open tasks I may see or claim, by due date) takes the
 * indexed path of `inboxPage`/`inboxCount`; everything else is one plain filtered query.
 */
export async function listTasks(db: Kysely<DB>, filter: TaskFilter, now: Date): Promise<Page<Task>> {
  const [items, total] = await Promise.all([listTaskPage(db, filter, now), countTasks(db, filter, now)]);
  return { items, total };
}

/** One page of `listTasks`, without the total. */
export async function listTaskPage(db: Kysely<DB>, filter: TaskFilter, now: Date): Promise<Task[]> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), MAX_LIMIT);
  const offset = Math.max(filter.offset ?? 0, 0);
  const inbox = inboxShape(filter);
  if (inbox) return (await inboxPage(db, inbox, filter, now, limit, offset)).map(taskFromRow);

  const where = taskWhere(filter, now);
  let query = db.selectFrom('user_tasks').selectAll().where(where);
  switch (filter.sort ?? 'due') {
    case 'due':
      query = query.orderBy(sql`due_at ASC NULLS LAST`).orderBy('priority', 'desc').orderBy('seq');
      break;
    case 'priority':
      query = query.orderBy('priority', 'desc').orderBy(sql`due_at ASC NULLS LAST`).orderBy('seq');
      break;
    case 'created':
      query = query.orderBy('created_at', 'desc').orderBy('seq', 'desc');
      break;
    case 'sequence':
      query = query.orderBy('seq');
      break;
  }
  const rows = await query.limit(limit).offset(offset).execute();
  return rows.map(taskFromRow);
}

/** The total of `listTasks`: how many tasks the filter matches, before paging. */
export async function countTasks(db: Kysely<DB>, filter: TaskFilter, now: Date): Promise<number> {
  const inbox = inboxShape(filter);
  if (inbox) return inboxCount(db, inbox, filter, now);
  const count = await db
    .selectFrom('user_tasks')
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .where(taskWhere(filter, now))
    .executeTakeFirstOrThrow();
  return Number(count.total);
}

export async function getTask(db: Kysely<DB>, id: string): Promise<Task> {
  if (!isUuid(id)) throw new TaskNotFoundError(id);
  const row = await db.selectFrom('user_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new TaskNotFoundError(id);
  return taskFromRow(row);
}
