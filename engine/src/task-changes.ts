import { type Selectable, sql, type Updateable } from 'kysely';
import type { Task } from './api.js';
import {
  InvalidArgumentError,
  TaskNotActiveError,
  TaskNotAssignedError,
  TaskNotFoundError,
} from './errors.js';
import { appendHistory, type HistoryEntry } from './persistence/history.js';
import { isUuid } from './persistence/ids.js';
import { taskFromRow } from './persistence/rows.js';
import type { UserTasksTable } from './persistence/schema.js';
import type { Variables } from './runtime/types.js';
import type { TxContext } from './transaction.js';

/** What an operation does to an open task: the columns it sets and the history event it records. */
export interface TaskChange {
  readonly set?: Updateable<UserTasksTable>;
  readonly history: Omit<HistoryEntry, 'taskId' | 'elementId'>;
  /** The change name on the feed (`claimed`, `handedOff`, ...). */
  readonly change: string;
  /** Nothing to do (claiming a task one already has): no write, no history. */
  readonly unchanged?: boolean;
}

export interface ChangeTaskOptions {
  /** Also act on a closed task (comments). */
  readonly anyState?: boolean;
  /** The policy's check, on the locked row, before anything changes; throws to refuse. */
  readonly authorize?: (task: Task) => Promise<void>;
  /**
   * Bump the instance's optimistic version: the change alters who may act on the task, so a
   * command decided on the task as it was must lose its version check and decide again.
   */
  readonly bumpVersion?: boolean;
  /** Run after commit with the task's instance id (cache upkeep). */
  readonly afterCommit?: (instanceId: string) => void;
  /**
   * Asked first, with the locked row: a task that must go another way (its element has listeners
   * for this change) is answered by what this returns; undefined goes on here.
   */
  readonly divert?: (task: Task) => Promise<Task | undefined>;
}

/**
 * Runs one task operation that does not move tokens (claim, hand off, delegate, draft, comment):
 * lock the row, check it is still open, authorize the caller, update it, record history with the
 * actor. Completion and return move tokens and go through the runtime instead.
 */
export async function changeTask(
  cx: TxContext,
  taskId: string,
  decide: (task: Task) => TaskChange,
  options: ChangeTaskOptions = {},
): Promise<Task> {
  const task = await lockTask(cx, taskId);
  const diverted = await options.divert?.(task);
  if (diverted) return diverted;
  await options.authorize?.(task);
  if (!(options.anyState ?? false) && task.state !== 'created')
    throw new TaskNotActiveError(taskId, task.state);
  const { set, history, change, unchanged } = decide(task);
  if (unchanged === true) return task;
  let updated = task;
  if (set && Object.keys(set).length > 0) {
    const row = await cx.trx
      .updateTable('user_tasks')
      .set(set)
      .where('id', '=', taskId)
      .returningAll()
      .executeTakeFirstOrThrow();
    updated = taskFromRow(row);
  }
  await appendHistory(
    cx.trx,
    task.instanceId,
    [{ ...history, taskId, elementId: task.elementId }],
    cx.now,
    cx.actor,
    { bumpVersion: options.bumpVersion === true },
  );
  const { afterCommit } = options;
  if (afterCommit) cx.afterCommit.push(() => afterCommit(task.instanceId));
  cx.changes.push({ kind: 'task', id: taskId, instanceId: task.instanceId, change, task: updated });
  return updated;
}

/**
 * Reads a task row with a row lock; throws when it does not exist.
 *
 * Lock order: the instance row first, then the task row, as every command does (a completion's
 * write updates the instance row before it marks the task). Locking the task first deadlocked a
 * claim against a concurrent completion of the same task: each held the row the other wanted,
 * until PostgreSQL's deadlock detector killed one a second later. The CTE takes the instance's
 * lock before the outer scan; the outer `FOR UPDATE` then locks and returns the task row's latest
 * committed version.
 */
async function lockTask(cx: TxContext, taskId: string): Promise<Task> {
  if (!isUuid(taskId)) throw new TaskNotFoundError(taskId);
  const { rows } = await sql<Selectable<UserTasksTable>>`
    WITH i AS (
      SELECT id FROM instances WHERE id = (SELECT instance_id FROM user_tasks WHERE id = ${taskId}::uuid)
      FOR NO KEY UPDATE
    )
    SELECT t.* FROM user_tasks t WHERE t.id = ${taskId}::uuid AND EXISTS (SELECT 1 FROM i) FOR UPDATE OF t`.execute(
    cx.trx,
  );
  const row = rows[0];
  if (!row) throw new TaskNotFoundError(taskId);
  return taskFromRow(row);
}

function requireText(value: string | null | undefined, what: string): string {
  const text = value?.trim() ?? '';
  if (text === '') throw new InvalidArgumentError(`${what} must not be empty`);
  return text;
}

/** The operations, as pure decisions over the current task. */
export const taskChanges = {
  claim(user: string) {
    const who = requireText(user, 'The user');
    return (task: Task): TaskChange => {
      if (task.assignee !== null && task.assignee !== who) {
        throw new TaskNotAssignedError(task.id, `Task ${task.id} is already claimed by ${task.assignee}`);
      }
      if (task.assignee === who) {
        return { unchanged: true, history: { type: 'task.claimed' }, change: 'claimed' };
      }
      return {
        set: { assignee: who },
        history: { type: 'task.claimed', data: { assignee: who } },
        change: 'claimed',
      };
    };
  },
  unclaim() {
    return (task: Task): TaskChange => {
      if (task.delegated) {
        throw new TaskNotAssignedError(
          task.id,
          `Task ${task.id} is delegated; resolve it instead of unclaiming`,
        );
      }
      return {
        set: { assignee: null },
        history: { type: 'task.unclaimed', data: { previousAssignee: task.assignee } },
        change: 'unclaimed',
      };
    };
  },
  assign(user: string) {
    const who = requireText(user, 'The user');
    return (task: Task): TaskChange => ({
      set: { assignee: who, owner: null, delegated: false },
      history: { type: 'task.assigned', data: { from: task.assignee, to: who } },
      change: 'assigned',
    });
  },
  handOff(to: { readonly user?: string; readonly group?: string }, reason: string) {
    const why = requireText(reason, 'The reason');
    if ((to.user === undefined) === (to.group === undefined)) {
      throw new InvalidArgumentError('Hand off to exactly one of a user or a group');
    }
    return (task: Task): TaskChange => {
      const from = { user: task.assignee, groups: [...task.candidateGroups] };
      if (to.user !== undefined) {
        const user = requireText(to.user, 'The user');
        return {
          set: { assignee: user, owner: null, delegated: false },
          history: { type: 'task.handedOff', data: { from, to: { user }, reason: why } },
          change: 'handedOff',
        };
      }
      const group = requireText(to.group, 'The group');
      return {
        set: {
          assignee: null,
          owner: null,
          delegated: false,
          candidate_groups: [group],
          candidate_users: [],
        },
        history: { type: 'task.handedOff', data: { from, to: { group }, reason: why } },
        change: 'handedOff',
      };
    };
  },
  delegate(toUser: string, reason: string | null, actor: string | null) {
    const delegate = requireText(toUser, 'The delegate');
    return (task: Task): TaskChange => {
      // The owner keeps responsibility: the current assignee, or whoever delegates an unassigned task.
      const owner = task.delegated ? task.owner : (task.assignee ?? actor);
      return {
        set: { assignee: delegate, owner, delegated: true },
        history: { type: 'task.delegated', data: { owner, delegate, reason: reason?.trim() || null } },
        change: 'delegated',
      };
    };
  },
  resolve(variables: Variables) {
    return (task: Task): TaskChange => {
      if (!task.delegated) throw new TaskNotAssignedError(task.id, `Task ${task.id} is not delegated`);
      return {
        set: {
          assignee: task.owner,
          owner: null,
          delegated: false,
          draft: JSON.stringify({ ...(task.draft ?? {}), ...variables }),
        },
        history: { type: 'task.resolved', data: { delegate: task.assignee, owner: task.owner, variables } },
        change: 'resolved',
      };
    };
  },
  /** The user leaves: their task goes back to its candidates; a delegated one back to its owner. */
  release(user: string, reason: string) {
    return (task: Task): TaskChange => {
      if (task.assignee !== user && task.owner !== user) {
        return { unchanged: true, history: { type: 'task.unclaimed' }, change: 'unclaimed' };
      }
      const set =
        task.assignee === user
          ? task.delegated
            ? { assignee: task.owner, owner: null, delegated: false }
            : { assignee: null, owner: null, delegated: false }
          : { owner: null };
      return {
        set,
        history: {
          type: 'task.unclaimed',
          data: { previousAssignee: task.assignee, released: user, reason },
        },
        change: 'unclaimed',
      };
    };
  },
  draft(variables: Variables) {
    return (): TaskChange => ({
      set: { draft: JSON.stringify(variables) },
      history: { type: 'task.draftSaved', data: { keys: Object.keys(variables) } },
      change: 'draftSaved',
    });
  },
  comment(text: string) {
    const body = requireText(text, 'The comment');
    return (): TaskChange => ({
      history: { type: 'task.commented', data: { text: body } },
      change: 'commented',
    });
  },
};
