import { CompiledQuery } from 'kysely';
import { PREPARE } from '../database.js';
import type { Actor } from '../api.js';
import type { ProcessAccess } from '../identity.js';
import type { Effect, HistoryRecord, NewJob, NewUserTask } from '../runtime/types.js';
import { isUuid } from './ids.js';

/**
 * Turns one step's outcome (new state + effects) into ONE data-modifying SQL statement.
 *
 * Why one statement: round trips, not SQL, are the cost of a workflow step (6 statements ran at
 * 0.63 of pgbench's rate from Kysely; one CTE ran at 1.13). Each table gets at most one CTE, fed
 * by a single jsonb parameter (`jsonb_to_recordset`), so a step that creates ten jobs still costs
 * one round trip and a handful of parameters.
 *
 * Every sub-statement depends on the instance write (`FROM u` or `EXISTS (SELECT 1 FROM u)`), so a
 * stale version writes nothing and the statement can run on its own, outside a transaction. The
 * guard (task still open, job lease held) runs after the instance write; in a transaction the
 * caller rolls back when it missed. Outside one, only guards implied by the version check may be
 * used (every change of a task's state also bumps its instance's version), or rows the statement
 * locks before it writes (`Hold`: a job's lease, which the version does not cover).
 */

export interface InstanceRowWrite {
  readonly id: string;
  readonly status: string;
  readonly state: unknown;
  readonly endedAt: Date | null;
  /** Update with an optimistic check when set; insert a new row otherwise. */
  readonly expectedVersion?: number;
  /** Insert only. */
  readonly insert?: {
    readonly definitionId: string;
    readonly processId: string;
    readonly definitionVersion: number;
    readonly businessKey: string | null;
    readonly startedBy: Actor;
    readonly parentInstanceId: string | null;
    readonly parentTokenId: string | null;
    /** Insert only while no version of the process newer than this one exists. */
    readonly onlyIfLatestVersion?: number;
    /** Insert only while the process's access lists are exactly these (the start was decided on them). */
    readonly accessAsDecided?: ProcessAccess;
  };
}

export interface WritePlanInput {
  readonly instance: InstanceRowWrite;
  readonly definitionId: string;
  readonly processId: string;
  readonly now: Date;
  readonly actor: Actor;
  /** A statement that must touch exactly one row (`... RETURNING 1`) for the command to stand. */
  readonly guard?: Guard;
  readonly effects: readonly Effect[];
  /**
   * Assignees of new tasks that must not be away now (docs/TEAMS.md): when one is, the statement
   * writes nothing and returns `away`, and the command decides substitutes and writes again. The
   * check is an index probe inside this statement, so a step without absences costs no round trip.
   */
  readonly presentAssignees?: readonly string[];
  /** Rows the instance write needs to hold first (see `Hold`); an update only. */
  readonly hold?: Hold;
}

/**
 * Rows that must exist, match and be locked for the step to stand, locked in the same statement
 * BEFORE the instance write, which happens only if all `count` were found: `select` locks them
 * `FOR UPDATE SKIP LOCKED` and returns one row for each row it locked. Once held, no other writer
 * can change them until the statement commits, so a guard on them (a job's lease, which the
 * instance's version does not cover) is decided with the write, and the step can run as one
 * statement outside a transaction. A row locked by someone else is not waited for (the instance
 * row stays the first lock anyone waits on): it counts as missing, the statement writes nothing,
 * and the caller runs the command again in a transaction, which decides.
 */
export interface Hold {
  readonly select: (p: SqlParams) => string;
  readonly count: number;
}

/**
 * A guard statement, given the condition "the instance row was written" to AND into its WHERE.
 * Every part of the plan depends on the instance write, so a stale version changes nothing even
 * outside a transaction.
 */
export type Guard = (instanceWritten: string, params: SqlParams) => string;

/**
 * Positional parameters for hand-built SQL. The write plan is the hot path, so it skips the
 * query builder and compiles to text directly (the builder cost ~18% of a step's JavaScript).
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value; returns its placeholder with an explicit cast. */
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }

  /** A JSON value as one jsonb parameter. */
  json(value: unknown): string {
    return this.add(JSON.stringify(value), 'jsonb');
  }

  /**
   * `ANY($n::uuid[])` over ids, after `column =`: one array parameter, which the planner matches
   * against the column's index. (`IN (SELECT jsonb_array_elements_text(...))`, as this was, is
   * planned generically as a join of 100 guessed rows: prepared, it became a sequential scan of
   * the whole table, every row and every dead row of it, for each statement.)
   */
  ids(values: readonly string[]): string {
    return `ANY(${this.add(values, 'uuid[]')})`;
  }

  /** `ANY($n::text[])`, after `column =`: as `ids`, for text values. */
  texts(values: readonly string[]): string {
    return `ANY(${this.add(values, 'text[]')})`;
  }
}

export interface WritePlanResult {
  readonly instanceWritten: boolean;
  readonly guardHit: boolean;
}

/** Effects the plan writes itself; the rest (child.*, parent.notify, signal.broadcast) the engine runs after it. */
export type RowEffect = Exclude<
  Effect,
  { type: 'child.start' | 'child.cancel' | 'parent.notify' | 'signal.broadcast' }
>;

/** Drops create/cancel pairs of the same row inside one step: the row never needs to exist. */
export function netEffects(effects: readonly Effect[]): Effect[] {
  const created = new Set<string>();
  for (const e of effects) {
    if (e.type === 'job.create') created.add(e.job.id);
    else if (e.type === 'task.create') created.add(e.task.id);
    else if (e.type === 'message.subscribe' || e.type === 'signal.subscribe') created.add(e.subscriptionId);
  }
  const dropped = new Set<string>();
  for (const e of effects) {
    const id =
      e.type === 'job.cancel'
        ? e.jobId
        : e.type === 'message.unsubscribe' || e.type === 'signal.unsubscribe'
          ? e.subscriptionId
          : undefined;
    if (id !== undefined && created.has(id)) dropped.add(id);
  }
  if (dropped.size === 0) return [...effects];
  return effects.filter((e) => {
    if (e.type === 'job.create') return !dropped.has(e.job.id);
    if (e.type === 'job.cancel') return !dropped.has(e.jobId);
    if (e.type === 'message.subscribe' || e.type === 'signal.subscribe')
      return !dropped.has(e.subscriptionId);
    if (e.type === 'message.unsubscribe' || e.type === 'signal.unsubscribe')
      return !dropped.has(e.subscriptionId);
    return true;
  });
}

/** Runs the plan; see the module comment. */
export function buildWritePlan(input: WritePlanInput): CompiledQuery<{
  seq: number | null;
  guarded: string | number;
  /** New task id -> its creation sequence (the `user_tasks.seq` the insert drew); null without new tasks. */
  task_seqs?: Record<string, number | string> | null;
  away?: boolean;
}> {
  const p = new SqlParams();
  const { instance, now, definitionId, processId } = input;
  const history: HistoryRecord[] = [];
  const newTasks: NewUserTask[] = [];
  const cancelTasks: string[] = [];
  const taskUpdates = new Map<string, TaskUpdate>();
  const newJobs: NewJob[] = [];
  const cancelJobs: string[] = [];
  const newMessageSubs: Extract<Effect, { type: 'message.subscribe' }>[] = [];
  const dropMessageSubs: string[] = [];
  const newSignalSubs: Extract<Effect, { type: 'signal.subscribe' }>[] = [];
  const dropSignalSubs: string[] = [];
  const newIncidents: Extract<Effect, { type: 'incident.raise' }>[] = [];
  const resolveIncidents: string[] = [];
  for (const effect of input.effects) {
    switch (effect.type) {
      case 'history':
        history.push(effect.record);
        break;
      case 'task.create':
        newTasks.push(effect.task);
        break;
      case 'task.cancel':
        cancelTasks.push(effect.taskId);
        break;
      case 'task.update':
        mergeTaskUpdate(taskUpdates, effect);
        break;
      case 'job.create':
        newJobs.push(effect.job);
        break;
      case 'job.cancel':
        cancelJobs.push(effect.jobId);
        break;
      case 'message.subscribe':
        newMessageSubs.push(effect);
        break;
      case 'message.unsubscribe':
        dropMessageSubs.push(effect.subscriptionId);
        break;
      case 'signal.subscribe':
        newSignalSubs.push(effect);
        break;
      case 'signal.unsubscribe':
        dropSignalSubs.push(effect.subscriptionId);
        break;
      case 'incident.raise':
        newIncidents.push(effect);
        break;
      case 'incident.resolve':
        resolveIncidents.push(effect.incidentId);
        break;
      default:
        break;
    }
  }

  const ctes: string[] = [];
  const n = history.length;
  const written = 'EXISTS (SELECT 1 FROM u)';
  const awayCheck =
    input.presentAssignees && input.presentAssignees.length > 0
      ? `EXISTS (SELECT 1 FROM absences WHERE user_id = ${p.texts(input.presentAssignees)}
          AND starts_at <= ${p.add(now, 'timestamptz')} AND ends_at > ${p.add(now, 'timestamptz')})`
      : null;
  const { hold } = input;
  if (hold) {
    if (instance.expectedVersion === undefined) throw new Error('a hold needs an instance update');
    ctes.push(`l AS (${hold.select(p)})`);
  }
  const held = hold ? `(SELECT count(*) FROM l) = ${p.add(hold.count, 'int')}` : null;
  ctes.push(`u AS (${instanceStatement(p, instance, now, n, awayCheck, held)})`);
  if (input.guard) ctes.push(`g AS (${input.guard(written, p)})`);
  if (n > 0) {
    const rows = history.map((r, k) => ({
      k: k + 1,
      type: r.type,
      element_id: r.elementId ?? null,
      // The history column is a uuid; a token id of an older state that is not one is kept as
      // null, decided here rather than by a pattern match in SQL for every row.
      token_id: r.tokenId && isUuid(r.tokenId) ? r.tokenId : null,
      task_id: r.taskId ?? null,
      data: r.data ?? null,
    }));
    ctes.push(`h AS (INSERT INTO history (instance_id, seq, at, type, element_id, token_id, task_id, actor, data)
      SELECT ${p.add(instance.id, 'uuid')}, u.history_seq - ${p.add(n, 'int')} + r.k, ${p.add(now, 'timestamptz')}, r.type, r.element_id, r.token_id,
        r.task_id, ${p.add(input.actor, 'text')}, r.data
      FROM u, jsonb_to_recordset(${p.json(rows)}) AS r(k int, type text, element_id text, token_id uuid, task_id uuid, data jsonb))`);
  }
  if (newTasks.length > 0) {
    const rows = newTasks.map((t) => ({
      id: t.id,
      element_id: t.elementId,
      token_id: t.tokenId,
      name: t.name,
      state: t.state ?? 'created',
      assignee: t.assignee,
      candidate_users: t.candidateUsers,
      candidate_groups: t.candidateGroups,
      due_at: t.dueAt,
      follow_up_at: t.followUpAt,
      priority: t.priority,
      form_id: t.formId,
      variables: t.variables,
    }));
    ctes.push(`nt AS (INSERT INTO user_tasks (id, instance_id, definition_id, process_id, element_id, token_id, name, state,
        assignee, candidate_users, candidate_groups, due_at, follow_up_at, priority, form_id, variables, created_at)
      SELECT r.id, ${p.add(instance.id, 'uuid')}, ${p.add(definitionId, 'uuid')}, ${p.add(processId, 'text')}, r.element_id, r.token_id, r.name, r.state,
        r.assignee, coalesce(r.candidate_users, '{}'), coalesce(r.candidate_groups, '{}'), r.due_at, r.follow_up_at,
        r.priority, r.form_id, coalesce(r.variables, '{}'), ${p.add(now, 'timestamptz')}
      FROM u, jsonb_to_recordset(${p.json(rows)}) AS r(id uuid, element_id text, token_id text, name text, state text, assignee text,
        candidate_users text[], candidate_groups text[], due_at timestamptz, follow_up_at timestamptz, priority int,
        form_id text, variables jsonb)
      RETURNING id, seq)`);
  }
  if (cancelTasks.length > 0) {
    ctes.push(`ct AS (UPDATE user_tasks SET state = 'cancelled', completed_at = ${p.add(now, 'timestamptz')}
      WHERE id = ${p.ids(cancelTasks)} AND state IN ('created', 'assigning', 'updating', 'completing') AND ${written})`);
  }
  let k = 0;
  for (const update of taskUpdates.values())
    ctes.push(`tu${k++} AS (${taskUpdateStatement(p, update, now, written)})`);
  if (newJobs.length > 0) {
    const rows = newJobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      element_id: j.elementId,
      token_id: j.tokenId,
      due_at: j.dueAt,
      job_type: j.jobType ?? null,
      retries: j.retries,
      headers: j.headers ?? {},
      variables: j.variables ?? {},
      cycle: j.cycle ?? null,
      listener_kind: j.listener?.kind ?? null,
      listener_event: j.listener?.eventType ?? null,
    }));
    ctes.push(`nj AS (INSERT INTO jobs (id, instance_id, definition_id, element_id, token_id, kind, job_type, due_at,
        retries, max_retries, variables, headers, cycle, created_at, listener_kind, listener_event)
      SELECT r.id, ${p.add(instance.id, 'uuid')}, ${p.add(definitionId, 'uuid')}, r.element_id, r.token_id, r.kind, r.job_type,
        coalesce(r.due_at, ${p.add(now, 'timestamptz')}), greatest(r.retries, 1), greatest(r.retries, 1), r.variables, r.headers,
        r.cycle, ${p.add(now, 'timestamptz')}, r.listener_kind, r.listener_event
      FROM u, jsonb_to_recordset(${p.json(rows)}) AS r(id uuid, kind text, element_id text, token_id text, due_at timestamptz,
        job_type text, retries int, headers jsonb, variables jsonb, cycle jsonb, listener_kind text, listener_event text))`);
  }
  if (cancelJobs.length > 0)
    ctes.push(`dj AS (DELETE FROM jobs WHERE id = ${p.ids(cancelJobs)} AND ${written})`);
  if (newMessageSubs.length > 0) {
    const rows = newMessageSubs.map((s) => ({
      id: s.subscriptionId,
      message_name: s.messageName,
      correlation_key: s.correlationKey,
      element_id: s.elementId,
      token_id: s.tokenId,
    }));
    ctes.push(`nm AS (INSERT INTO message_subscriptions (id, instance_id, message_name, correlation_key, element_id,
        token_id, created_at)
      SELECT r.id, ${p.add(instance.id, 'uuid')}, r.message_name, r.correlation_key, r.element_id, r.token_id, ${p.add(now, 'timestamptz')}
      FROM u, jsonb_to_recordset(${p.json(rows)}) AS r(id uuid, message_name text, correlation_key text, element_id text,
        token_id text))`);
  }
  if (dropMessageSubs.length > 0) {
    ctes.push(
      `dm AS (DELETE FROM message_subscriptions WHERE id = ${p.ids(dropMessageSubs)} AND ${written})`,
    );
  }
  if (newSignalSubs.length > 0) {
    const rows = newSignalSubs.map((s) => ({
      id: s.subscriptionId,
      signal_name: s.signalName,
      element_id: s.elementId,
      token_id: s.tokenId,
    }));
    ctes.push(`ns AS (INSERT INTO signal_subscriptions (id, instance_id, signal_name, element_id, token_id, created_at)
      SELECT r.id, ${p.add(instance.id, 'uuid')}, r.signal_name, r.element_id, r.token_id, ${p.add(now, 'timestamptz')}
      FROM u, jsonb_to_recordset(${p.json(rows)}) AS r(id uuid, signal_name text, element_id text, token_id text))`);
  }
  if (dropSignalSubs.length > 0) {
    ctes.push(`ds AS (DELETE FROM signal_subscriptions WHERE id = ${p.ids(dropSignalSubs)} AND ${written})`);
  }
  if (newIncidents.length > 0) {
    const rows = newIncidents.map((i) => ({
      id: i.incidentId,
      element_id: i.elementId,
      token_id: i.tokenId,
      type: i.incidentType,
      message: i.message,
      job_id: i.jobId ?? null,
    }));
    ctes.push(`ni AS (INSERT INTO incidents (id, instance_id, element_id, token_id, type, message, job_id, created_at)
      SELECT r.id, ${p.add(instance.id, 'uuid')}, r.element_id, r.token_id, r.type, r.message, r.job_id, ${p.add(now, 'timestamptz')}
      FROM u, jsonb_to_recordset(${p.json(rows)}) AS r(id uuid, element_id text, token_id text, type text, message text,
        job_id uuid))`);
  }
  if (resolveIncidents.length > 0) {
    ctes.push(`ri AS (UPDATE incidents SET resolved_at = ${p.add(now, 'timestamptz')}
      WHERE id = ${p.ids(resolveIncidents)} AND resolved_at IS NULL AND ${written})`);
  }
  const guarded = input.guard ? '(SELECT count(*) FROM g)' : '1';
  const taskSeqs = newTasks.length > 0 ? ', (SELECT jsonb_object_agg(id, seq) FROM nt) AS task_seqs' : '';
  return CompiledQuery.raw(
    `${PREPARE}WITH ${ctes.join(',\n')} SELECT (SELECT history_seq FROM u) AS seq, ${guarded} AS guarded${taskSeqs}${
      awayCheck ? `, ${awayCheck} AS away` : ''
    }`,
    p.values,
  );
}

function instanceStatement(
  p: SqlParams,
  instance: InstanceRowWrite,
  now: Date,
  historyCount: number,
  awayCheck: string | null,
  held: string | null = null,
): string {
  const state = p.json(instance.state);
  const present = awayCheck ? ` AND NOT ${awayCheck}` : '';
  if (instance.expectedVersion !== undefined) {
    const holds = held ? ` AND ${held}` : '';
    return `UPDATE instances SET state = ${state}, version = version + 1, status = ${p.add(instance.status, 'text')},
        ended_at = ${p.add(instance.endedAt, 'timestamptz')}, history_seq = history_seq + ${p.add(historyCount, 'int')}
      WHERE id = ${p.add(instance.id, 'uuid')} AND version = ${p.add(instance.expectedVersion, 'int')}${present}${holds} RETURNING history_seq`;
  }
  const row = instance.insert;
  if (!row) throw new Error('an instance insert needs its definition columns');
  const processId = p.add(row.processId, 'text');
  // A start from the cached latest version writes nothing if a newer version exists (deployed by
  // another process), and a start decided on remembered access lists nothing if they changed
  // since; the caller then reads them again and decides again.
  const conditions: string[] = [];
  if (row.onlyIfLatestVersion !== undefined)
    conditions.push(`NOT EXISTS (SELECT 1 FROM definitions WHERE process_id = ${processId}
          AND version > ${p.add(row.onlyIfLatestVersion, 'int')})`);
  if (row.accessAsDecided) conditions.push(accessUnchanged(p, processId, row.accessAsDecided));
  const onlyIf =
    conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}${present}` : present && `WHERE true${present}`;
  return `INSERT INTO instances (id, definition_id, process_id, definition_version, status, version, history_seq, state,
      business_key, started_at, started_by, ended_at, parent_instance_id, parent_token_id)
    SELECT ${p.add(instance.id, 'uuid')}, ${p.add(row.definitionId, 'uuid')}, ${processId},
      ${p.add(row.definitionVersion, 'int')}, ${p.add(instance.status, 'text')}, 1, ${p.add(historyCount, 'int')}, ${state},
      ${p.add(row.businessKey, 'text')}, ${p.add(now, 'timestamptz')}, ${p.add(row.startedBy, 'text')},
      ${p.add(instance.endedAt, 'timestamptz')}, ${p.add(row.parentInstanceId, 'uuid')}, ${p.add(row.parentTokenId, 'text')}
    ${onlyIf}
    RETURNING history_seq`;
}

/**
 * True while `process_access` holds exactly `access` for the process: as many rows, each one of
 * them (its rows are unique by primary key). An index probe inside the insert, instead of a read
 * before it.
 */
function accessUnchanged(p: SqlParams, processId: string, access: ProcessAccess): string {
  const rows = [
    ...access.managers.map((group) => ({ list: 'managers', group_name: group })),
    ...access.starters.map((group) => ({ list: 'starters', group_name: group })),
  ];
  if (rows.length === 0) return `NOT EXISTS (SELECT 1 FROM process_access WHERE process_id = ${processId})`;
  return `(SELECT count(*) FROM process_access WHERE process_id = ${processId}) = ${p.add(rows.length, 'int')}
    AND NOT EXISTS (SELECT 1 FROM process_access a WHERE a.process_id = ${processId}
      AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(${p.json(rows)}) AS r(list text, group_name text)
        WHERE r.list = a.list AND r.group_name = a.group_name))`;
}

type TaskUpdate = Extract<Effect, { type: 'task.update' }>;

/** Several updates of one task in one step become one (a statement may change a row once). */
function mergeTaskUpdate(updates: Map<string, TaskUpdate>, next: TaskUpdate): void {
  const before = updates.get(next.taskId);
  if (!before) {
    updates.set(next.taskId, next);
    return;
  }
  const corrections =
    before.corrections || next.corrections ? { ...before.corrections, ...next.corrections } : undefined;
  updates.set(next.taskId, {
    ...before,
    ...next,
    ...(corrections ? { corrections } : {}),
  });
}

/**
 * A task's state after its completing or assigning listeners (completed, or open again when they
 * are done or one denied) and their corrections: '' clears the assignee or a date.
 */
function taskUpdateStatement(p: SqlParams, update: TaskUpdate, now: Date, written: string): string {
  const sets: string[] = [];
  if (update.state === 'created') sets.push(`state = 'created', completed_at = NULL, completed_by = NULL`);
  else if (update.state === 'assigning') sets.push(`state = 'assigning'`);
  else if (update.state === 'updating') sets.push(`state = 'updating'`);
  else if (update.state !== undefined)
    sets.push(`state = ${p.add(update.state, 'text')}, completed_at = ${p.add(now, 'timestamptz')}`);
  const c = update.corrections ?? {};
  const text = (value: string) => (value === '' ? null : value);
  if (c.assignee !== undefined) sets.push(`assignee = ${p.add(text(c.assignee), 'text')}`);
  const list = (values: readonly string[]) => p.add(values, 'text[]');
  if (c.candidateUsers !== undefined) sets.push(`candidate_users = ${list(c.candidateUsers)}`);
  if (c.candidateGroups !== undefined) sets.push(`candidate_groups = ${list(c.candidateGroups)}`);
  if (c.dueDate !== undefined) sets.push(`due_at = ${p.add(text(c.dueDate), 'timestamptz')}`);
  if (c.followUpDate !== undefined) sets.push(`follow_up_at = ${p.add(text(c.followUpDate), 'timestamptz')}`);
  if (c.priority !== undefined) sets.push(`priority = ${p.add(c.priority, 'int')}`);
  if (update.delegation !== undefined)
    sets.push(
      `owner = ${p.add(update.delegation.owner, 'text')}, delegated = ${update.delegation.delegated ? 'true' : 'false'}`,
    );
  if (sets.length === 0) sets.push('state = state');
  return `UPDATE user_tasks SET ${sets.join(', ')} WHERE id = ${p.add(update.taskId, 'uuid')}
    AND state IN ('created', 'assigning', 'updating', 'completing') AND ${written}`;
}
