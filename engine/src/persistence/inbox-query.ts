import { type Kysely, type RawBuilder, type Selectable, type SqlBool, sql } from 'kysely';
import type { TaskFilter } from '../api.js';
import { isUuid } from './ids.js';
import type { DB, UserTasksTable } from './schema.js';

/**
 * The inbox's indexed path (docs/BENCHMARKS-INBOX.md). "Open tasks I may see, by due date" is a
 * disjunction (assigned to me, owned by me, assigned to someone I stand in for, claimable by me or
 * one of my groups) that no single index orders. So each disjunct is its own short scan of an
 * index in the inbox's order (migration `0010_inbox_indexes`), cut at `offset + limit` rows, and
 * the parts are merged: the first `offset + limit` rows of the union are among the first
 * `offset + limit` rows of its parts, so the answer is exactly that of the plain query.
 *
 * Measured with 1,000,000 open tasks, 10,000 users and 200 groups (`npm run bench:inbox` in
 * engine, PostgreSQL, a 2-core machine at load average ~30): the single statement before this
 * took p50 52 ms per page and 1,021 ms per count; this path p50 14 ms and 32 ms, the plans
 * touching ~670 and ~240 buffers. Figures and plans in docs/BENCHMARKS-INBOX.md.
 */
export interface InboxShape {
  readonly user: string;
  /** `visibleTo`: assigned, owned, substituted and claimable; `claimableBy`: claimable only. */
  readonly kind: 'visible' | 'claimable';
  /** Keys of `task_candidates`: `u:<user>` and `g:<group>` for each group. */
  readonly candidates: readonly string[];
}

/** Past this many groups the per-group scans cost more than they save: the plain query runs. */
const MAX_CANDIDATE_KEYS = 64;

/** The filter the inbox sends (open tasks, by due date, for one person), or null for any other. */
export function inboxShape(filter: TaskFilter): InboxShape | null {
  if (filter.state !== 'created' || (filter.sort ?? 'due') !== 'due' || filter.assignee !== undefined)
    return null;
  const who = filter.visibleTo ?? filter.claimableBy;
  if (!who || (filter.visibleTo && filter.claimableBy)) return null;
  const candidates = [...new Set([`u:${who.user}`, ...who.groups.map((g) => `g:${g}`)])];
  if (candidates.length > MAX_CANDIDATE_KEYS) return null;
  return { user: who.user, kind: filter.visibleTo ? 'visible' : 'claimable', candidates };
}

type Condition = RawBuilder<SqlBool>;

/** The filters besides who and state, on the task row `t`. */
function taskConditions(filter: TaskFilter, now: Date): Condition[] {
  const parts: Condition[] = [];
  if (filter.instanceId !== undefined) {
    parts.push(
      isUuid(filter.instanceId) ? sql<SqlBool>`t.instance_id = ${filter.instanceId}` : sql<SqlBool>`false`,
    );
  }
  if (filter.processId !== undefined) parts.push(sql<SqlBool>`t.process_id = ${filter.processId}`);
  if (filter.elementId !== undefined) parts.push(sql<SqlBool>`t.element_id = ${filter.elementId}`);
  if (filter.text) parts.push(sql<SqlBool>`strpos(lower(t.name), lower(${filter.text})) > 0`);
  if (filter.priorityMin !== undefined) parts.push(sql<SqlBool>`t.priority >= ${filter.priorityMin}`);
  if (filter.priorityMax !== undefined) parts.push(sql<SqlBool>`t.priority <= ${filter.priorityMax}`);
  for (const [name, value] of Object.entries(filter.variables ?? {})) {
    parts.push(sql<SqlBool>`t.variables ->> ${name} = ${value}`);
  }
  parts.push(...dueConditions(filter, now, 't'));
  return parts;
}

/** The due-date filters, which `task_candidates` answers without reading the task. */
function dueConditions(filter: TaskFilter, now: Date, table: 't' | 'c'): Condition[] {
  const due = sql.ref(`${table}.due_at`);
  const parts: Condition[] = [];
  if (filter.dueBefore !== undefined) parts.push(sql<SqlBool>`${due} < ${filter.dueBefore}`);
  if (filter.overdue) parts.push(sql<SqlBool>`${due} < ${now}`);
  return parts;
}

/** Whether a filter other than who, state and due applies (the count must then read each task). */
function needsTaskRow(filter: TaskFilter): boolean {
  return (
    filter.instanceId !== undefined ||
    filter.processId !== undefined ||
    filter.elementId !== undefined ||
    Boolean(filter.text) ||
    filter.priorityMin !== undefined ||
    filter.priorityMax !== undefined ||
    Object.keys(filter.variables ?? {}).length > 0
  );
}

const and = (conditions: readonly Condition[]) =>
  conditions.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`(${sql.join(conditions, sql` AND `)})`;

/** The user is away now: nothing is offered to them (docs/TEAMS.md). */
const away = (user: string, now: Date) =>
  sql<SqlBool>`EXISTS (SELECT 1 FROM absences a WHERE a.user_id = ${user} AND a.starts_at <= ${now} AND a.ends_at > ${now})`;

const ORDER_T = sql`t.due_at ASC NULLS LAST, t.priority DESC, t.seq`;

/** The parts of the inbox, each ordered and cut at `cut` rows, as (id, due_at, priority, seq). */
function pageParts(shape: InboxShape, filter: TaskFilter, now: Date, cut: number) {
  const where = and(taskConditions(filter, now));
  const claimable = sql`(SELECT s.id, s.due_at, s.priority, s.seq
    FROM unnest(${[...shape.candidates]}::text[]) AS k(candidate)
    CROSS JOIN LATERAL (
      SELECT t.id, t.due_at, t.priority, t.seq FROM task_candidates c JOIN user_tasks t ON t.id = c.task_id
      WHERE c.candidate = k.candidate AND t.state = 'created' AND t.assignee IS NULL AND ${where}
      ORDER BY c.due_at ASC NULLS LAST, c.priority DESC, c.seq LIMIT ${cut}
    ) AS s
    WHERE NOT ${away(shape.user, now)})`;
  if (shape.kind === 'claimable') return [claimable];
  const open = (who: RawBuilder<unknown>) => sql`(SELECT t.id, t.due_at, t.priority, t.seq FROM user_tasks t
    WHERE ${who} AND t.state = 'created' AND ${where} ORDER BY ${ORDER_T} LIMIT ${cut})`;
  return [
    open(sql`t.assignee = ${shape.user}`),
    open(sql`t.owner = ${shape.user}`),
    // A substitute sees what is assigned to the people they stand in for, while they are away.
    sql`(SELECT s.id, s.due_at, s.priority, s.seq FROM absences a
      CROSS JOIN LATERAL (
        SELECT t.id, t.due_at, t.priority, t.seq FROM user_tasks t
        WHERE t.assignee = a.user_id AND t.state = 'created' AND ${where} ORDER BY ${ORDER_T} LIMIT ${cut}
      ) AS s
      WHERE a.substitute = ${shape.user} AND a.starts_at <= ${now} AND a.ends_at > ${now})`,
    claimable,
  ];
}

/** The rows of one inbox page, in the inbox's order (due date, nulls last; priority; creation). */
export async function inboxPage(
  db: Kysely<DB>,
  shape: InboxShape,
  filter: TaskFilter,
  now: Date,
  limit: number,
  offset: number,
): Promise<Selectable<UserTasksTable>[]> {
  const { rows } = await inboxPageQuery(shape, filter, now, limit, offset).execute(db);
  return rows;
}

/** The statement of `inboxPage` (the benchmark EXPLAINs it). */
export function inboxPageQuery(
  shape: InboxShape,
  filter: TaskFilter,
  now: Date,
  limit: number,
  offset: number,
) {
  const parts = pageParts(shape, filter, now, offset + limit);
  return sql<Selectable<UserTasksTable>>`SELECT u.* FROM (
      SELECT DISTINCT p.id, p.due_at, p.priority, p.seq FROM (${sql.join(parts, sql` UNION `)}) AS p
      ORDER BY p.due_at ASC NULLS LAST, p.priority DESC, p.seq LIMIT ${limit} OFFSET ${offset}
    ) AS p JOIN user_tasks u ON u.id = p.id
    ORDER BY p.due_at ASC NULLS LAST, p.priority DESC, p.seq`;
}

/** How many tasks the inbox filter matches: the same parts, uncut, as a union of ids. */
export async function inboxCount(
  db: Kysely<DB>,
  shape: InboxShape,
  filter: TaskFilter,
  now: Date,
): Promise<number> {
  const { rows } = await inboxCountQuery(shape, filter, now).execute(db);
  return Number(rows[0]?.total ?? 0);
}

/** The statement of `inboxCount`. */
export function inboxCountQuery(shape: InboxShape, filter: TaskFilter, now: Date) {
  const where = and(taskConditions(filter, now));
  const keys = sql`${[...shape.candidates]}::text[]`;
  // Claimable ids straight from the candidates' index unless a filter needs the task itself.
  const claimable = needsTaskRow(filter)
    ? sql`SELECT c.task_id AS id FROM task_candidates c JOIN user_tasks t ON t.id = c.task_id
        WHERE c.candidate = ANY(${keys}) AND t.state = 'created' AND t.assignee IS NULL AND ${where}
        AND NOT ${away(shape.user, now)}`
    : sql`SELECT c.task_id AS id FROM task_candidates c
        WHERE c.candidate = ANY(${keys}) AND ${and(dueConditions(filter, now, 'c'))}
        AND NOT ${away(shape.user, now)}`;
  const parts =
    shape.kind === 'claimable'
      ? [claimable]
      : [
          sql`SELECT t.id FROM user_tasks t WHERE t.assignee = ${shape.user} AND t.state = 'created' AND ${where}`,
          sql`SELECT t.id FROM user_tasks t WHERE t.owner = ${shape.user} AND t.state = 'created' AND ${where}`,
          sql`SELECT t.id FROM absences a JOIN user_tasks t ON t.assignee = a.user_id
            WHERE a.substitute = ${shape.user} AND a.starts_at <= ${now} AND a.ends_at > ${now}
            AND t.state = 'created' AND ${where}`,
          claimable,
        ];
  // A task offered to two of my groups is one task (UNION removes duplicates between parts).
  const total = parts.length === 1 ? sql`count(DISTINCT x.id)` : sql`count(*)`;
  return sql<{
    total: string | number;
  }>`SELECT ${total} AS total FROM (${sql.join(parts, sql` UNION `)}) AS x`;
}
