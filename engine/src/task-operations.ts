import { CompiledQuery, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Task } from './api.js';
import {
  type CommandRunner,
  GuardMissedError,
  type InstanceRow,
  type RunOptions,
  taskGuard,
} from './command-runner.js';
import { PREPARE } from './database.js';
import type { SqlParams } from './persistence/write-plan.js';
import {
  EngineError,
  ForbiddenError,
  InstanceNotFoundError,
  InvalidArgumentError,
  StoreUnavailableError,
  TaskCommandRefusedError,
  TaskNotActiveError,
  TaskNotFoundError,
} from './errors.js';
import { actorOf, decideTask, type Identity, policy, type TaskAction, type TaskFacts } from './identity.js';
import type { CachedTask } from './instance-cache.js';
import { takesPart } from './job-variables.js';
import { readProcessAccess } from './persistence/access.js';
import { isUuid } from './persistence/ids.js';
import { returnColumn } from './persistence/rows.js';
import type { DB, UserTasksTable } from './persistence/schema.js';
import { parseDateTime } from './expressions/timer.js';
import { changesJson } from './runtime/commands/listener-jobs.js';
import type {
  Command,
  Effect,
  HistoryType,
  JsonValue,
  StepResult,
  TaskCorrections,
  Variables,
} from './runtime/types.js';
import { taskFromRow } from './persistence/rows.js';
import { changeTask, type TaskChange, taskChanges } from './task-changes.js';
import type { TxContext } from './transaction.js';

type Tx = <T>(
  identity: Identity,
  work: (cx: TxContext) => Promise<T>,
  options?: { readonly singleStatement?: boolean },
) => Promise<T>;

/** Runs before a completion or resolution is written, on the task as the policy saw it (form checks). */
export type TaskDataCheck = (task: {
  readonly id: string;
  readonly formId: string | null;
}) => void | Promise<void>;

/** The policy's verdict as the typed error a caller gets. */
function refuse(
  task: TaskFacts,
  verdict: Exclude<ReturnType<typeof decideTask>, { allow: true }>,
  identity: Identity,
): never {
  switch (verdict.reason) {
    case 'notFound':
      throw new TaskNotFoundError(task.id);
    case 'forbidden':
      throw new ForbiddenError(verdict.message, identity.kind === 'user' ? identity.id : null);
    case 'notClaimed':
      throw new TaskCommandRefusedError(task.id, 'TASK_NOT_CLAIMED', verdict.message);
    case 'claimedByOther':
      throw new TaskCommandRefusedError(task.id, 'TASK_ALREADY_CLAIMED', verdict.message);
    case 'delegated':
      throw new TaskCommandRefusedError(task.id, 'TASK_DELEGATED', verdict.message);
    case 'notDelegated':
      throw new TaskCommandRefusedError(task.id, 'TASK_NOT_DELEGATED', verdict.message);
  }
}

function factsFromRow(row: Selectable<UserTasksTable>): CachedTask {
  return {
    id: row.id,
    processId: row.process_id,
    state: row.state,
    assignee: row.assignee,
    owner: row.owner,
    delegated: row.delegated,
    candidateUsers: row.candidate_users ?? [],
    candidateGroups: row.candidate_groups ?? [],
    completedBy: row.completed_by,
    formId: row.form_id,
  };
}

/**
 * Decides a task command for `identity` in the command's transaction: the process's access lists
 * are read only when the answer depends on them (the caller is not simply the assignee).
 * Returns whether the caller must claim the task as part of the command.
 */
async function authorize(
  cx: TxContext,
  identity: Identity,
  action: TaskAction,
  task: TaskFacts,
): Promise<{ claimFirst: boolean }> {
  if (identity.kind === 'system') return { claimFirst: false };
  const quick = decideTask(identity, action, task, false);
  if (quick.allow) return { claimFirst: quick.claimFirst === true };
  const manages = policy.manages(identity, await readProcessAccess(cx.trx, task.processId));
  const verdict = manages ? decideTask(identity, action, task, true) : quick;
  if (!verdict.allow) refuse(task, verdict, identity);
  return { claimFirst: verdict.claimFirst === true };
}

/** Task commands: every one checks its caller with the policy, in the transaction that acts. */
export class TaskOperations {
  constructor(
    readonly runner: CommandRunner,
    readonly tx: Tx,
  ) {}

  /** A manager's command on an instance (cancel, set variables), checked against its process. */
  async onInstance(instanceId: string, identity: Identity, command: Command): Promise<void> {
    if (!isUuid(instanceId)) throw new InstanceNotFoundError(instanceId);
    await this.tx(identity, async (cx) => {
      const instance = await this.runner.load(cx, instanceId);
      await assertManages(cx, identity, instance);
      await this.runner.run(cx, instance, command);
    });
  }

  /** Claims for the caller; a system identity names the user it claims for. */
  claim(id: string, identity: Identity, user?: string): Promise<Task> {
    // About the request, not the task: refused before anything is read.
    if (identity.kind === 'user' && user !== undefined && user !== identity.id)
      return Promise.reject(
        new ForbiddenError('A user claims tasks for themselves; a manager assigns them', identity.id),
      );
    return this.#change(
      id,
      identity,
      'claim',
      () => {
        const who = identity.kind === 'user' ? identity.id : user;
        if (who === undefined) throw new InvalidArgumentError('Name the user who claims the task');
        return taskChanges.claim(who);
      },
      ASSIGNEE,
    );
  }

  unclaim(id: string, identity: Identity): Promise<Task> {
    return this.#change(id, identity, 'unclaim', () => taskChanges.unclaim(), ASSIGNEE);
  }

  assign(id: string, user: string, identity: Identity): Promise<Task> {
    return this.#change(id, identity, 'assign', () => taskChanges.assign(user), ASSIGNEE);
  }

  handOff(
    id: string,
    to: { user?: string; group?: string },
    reason: string,
    identity: Identity,
  ): Promise<Task> {
    return this.#change(id, identity, 'handOff', () => taskChanges.handOff(to, reason), ASSIGNEE);
  }

  delegate(id: string, toUser: string, reason: string | null, identity: Identity): Promise<Task> {
    return this.#change(
      id,
      identity,
      'delegate',
      () => {
        if (identity.kind === 'user' && toUser.trim() === identity.id)
          throw new InvalidArgumentError('Delegate to someone else');
        return taskChanges.delegate(toUser, reason, actorOf(identity));
      },
      ASSIGNEE,
    );
  }

  /**
   * The delegate hands the task back to its owner with their data. `check` (form validation,
   * which may read the database) runs once the policy allowed the caller, outside the command's
   * transaction: on a one-connection database a read from inside it would wait for itself. The
   * transaction then decides again on the locked row.
   */
  async resolve(id: string, variables: Variables, identity: Identity, check?: TaskDataCheck): Promise<Task> {
    if (check) {
      const task = await this.tx(
        identity,
        async (cx) => {
          if (!isUuid(id)) throw new TaskNotFoundError(id);
          const row = await cx.trx
            .selectFrom('user_tasks')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirst();
          if (!row) throw new TaskNotFoundError(id);
          const facts = factsFromRow(row);
          if (facts.state !== 'created') await refuseClosed(cx, identity, facts);
          await authorize(cx, identity, 'resolve', facts);
          return facts;
        },
        { singleStatement: true },
      );
      await check({ id: task.id, formId: task.formId });
    }
    return this.#change(id, identity, 'resolve', () => taskChanges.resolve(variables), ASSIGNEE);
  }

  /**
   * Zeebe's "update user task": changes the task's due and follow-up dates, priority and
   * candidates. Decided by the policy (`update`: the assignee or a manager) on the locked row, then
   * the changeset is checked (a caller who may not touch the task learns nothing from it). A task
   * whose element has `updating` listeners is left `updating` until they agree; otherwise the change
   * is written at once, with `task.updated` in history.
   */
  update(id: string, changes: TaskChangeset, identity: Identity): Promise<Task> {
    return this.tx(identity, async (cx) => {
      return changeTask(
        cx,
        id,
        () => {
          const checked = checkChangeset(changes);
          return {
            set: changesetColumns(checked),
            history: { type: 'task.updated', data: { changes: changesJson(checked) } },
            change: 'updated',
          };
        },
        {
          // Candidates decide who may act: a command decided on the task as it was decides again.
          bumpVersion: true,
          authorize: async (task) => {
            if (task.state !== 'created') await refuseClosed(cx, identity, task);
            await authorize(cx, identity, 'update', task);
          },
          afterCommit: (instanceId) => this.runner.cache.forget(instanceId),
          divert: async (task) =>
            (await this.#listensTo(cx, task, 'updating'))
              ? this.#updateThroughListeners(cx, id, identity, changes)
              : undefined,
        },
      );
    });
  }

  draft(id: string, variables: Variables, identity: Identity): Promise<Task> {
    return this.#change(id, identity, 'draft', () => taskChanges.draft(variables), { keepsVersion: true });
  }

  async comment(id: string, text: string, identity: Identity): Promise<void> {
    await this.#change(id, identity, 'comment', () => taskChanges.comment(text), {
      anyState: true,
      keepsVersion: true,
    });
  }

  /**
   * Completion: the step moves the token; the guard marks the row completed only if it is still
   * open. A candidate completing an unclaimed task claims it in the same statement.
   */
  async complete(id: string, variables: Variables, identity: Identity, check?: TaskDataCheck): Promise<void> {
    await this.#throughRuntime(
      id,
      identity,
      'complete',
      'completed',
      { type: 'task.complete', taskId: id, variables },
      check,
    );
  }

  /**
   * 驳回: the token goes back to an earlier user task. The reason is kept on the history event and,
   * in the same transaction, on the task the return creates (`returnedFrom`: which task, who,
   * why), so whoever opens the step again sees why it came back.
   */
  async returnTo(id: string, targetElementId: string, reason: string, identity: Identity): Promise<void> {
    const why = reason.trim();
    if (why === '') throw new InvalidArgumentError('The reason must not be empty');
    await this.#throughRuntime(
      id,
      identity,
      'return',
      'cancelled',
      { type: 'task.return', taskId: id, targetElementId },
      undefined,
      (e) =>
        e.type === 'history' && e.record.type === 'task.returned'
          ? { ...e, record: { ...e.record, data: { ...(e.record.data ?? {}), reason: why } } }
          : e,
      (cx, result) => markReturned(cx, result, { taskId: id, targetElementId, reason: why }),
    );
  }

  /** Every open task assigned to (or delegated by) `user` goes back to its candidates. */
  async releaseAll(db: Kysely<DB>, user: string, reason: string, identity: Identity): Promise<number> {
    const rows = await db
      .selectFrom('user_tasks')
      .select('id')
      .where('state', '=', 'created')
      .where((eb) => eb.or([eb('assignee', '=', user), eb('owner', '=', user)]))
      .execute();
    let released = 0;
    for (const { id } of rows) {
      const task = await this.#change(
        id,
        identity,
        'assign',
        () => taskChanges.release(user, reason),
        ASSIGNEE,
      );
      if (task.assignee !== user && task.owner !== user) released++;
    }
    return released;
  }

  /** Earlier user tasks of the same instance that a task can be returned to. */
  async returnTargets(db: Kysely<DB>, id: string): Promise<{ elementId: string; name: string }[]> {
    if (!isUuid(id)) throw new TaskNotFoundError(id);
    const task = await db
      .selectFrom('user_tasks')
      .select(['instance_id', 'element_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!task) throw new TaskNotFoundError(id);
    const rows = await db
      .selectFrom('user_tasks')
      .select(['element_id', 'name'])
      .distinctOn('element_id')
      .where('instance_id', '=', task.instance_id)
      .where('state', '=', 'completed')
      .where('element_id', '<>', task.element_id)
      .orderBy('element_id')
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((row) => ({ elementId: row.element_id, name: row.name }));
  }

  /**
   * A task operation that does not move tokens, checked and done in one transaction. Changes that
   * the policy decides on (who may act) bump the instance's version, so a completion decided on
   * the task as it was before loses its version check and decides again.
   */
  #change(
    id: string,
    identity: Identity,
    action: TaskAction,
    decision: () => (task: Task) => TaskChange,
    options: {
      readonly anyState?: boolean;
      readonly keepsVersion?: boolean;
      readonly assignee?: boolean;
    } = {},
  ): Promise<Task> {
    return this.tx(identity, async (cx) => {
      // The decision's own argument checks run after the policy's: a caller who may not touch the
      // task learns nothing from them.
      return changeTask(cx, id, (task) => decision()(task), {
        anyState: options.anyState ?? false,
        bumpVersion: options.keepsVersion !== true,
        authorize: async (task) => {
          if (options.anyState !== true && task.state !== 'created') await refuseClosed(cx, identity, task);
          await authorize(cx, identity, action, task);
        },
        afterCommit: (instanceId) => {
          if (options.keepsVersion !== true) this.runner.cache.forget(instanceId);
        },
        ...(options.assignee === true
          ? {
              divert: async (task: Task) =>
                (await this.#listensTo(cx, task, 'assigning'))
                  ? this.#assignThroughListeners(cx, id, identity, action, decision)
                  : undefined,
            }
          : {}),
      });
    });
  }

  /** Whether the locked task's element has listeners of `event` (its model is cached). */
  async #listensTo(cx: TxContext, task: Task, event: 'assigning' | 'updating'): Promise<boolean> {
    const model = await this.runner.models.get(task.definitionId, cx.trx);
    const element = model.elements[task.elementId];
    const listeners =
      element?.kind === 'bpmn:UserTask' ? element.userTask?.taskListeners?.[event] : undefined;
    return (listeners?.length ?? 0) > 0;
  }

  /**
   * An update of a task with updating listeners: decided by the policy on the locked row, then
   * handed to the runtime, which leaves the task `updating` and creates the first listener's job;
   * the change is written when the last one completes (with their corrections), or not, if one
   * denies. Returns the task as it is now, `updating`.
   */
  async #updateThroughListeners(
    cx: TxContext,
    id: string,
    identity: Identity,
    changes: TaskChangeset,
  ): Promise<Task> {
    const { instance, task, read } = await lockedTaskFor(cx, id, identity, 'update');
    const checked = checkChangeset(changes);
    await this.runner.run(
      cx,
      instance,
      {
        type: 'task.change',
        taskId: id,
        update: {
          changes: checked,
          before: {
            assignee: task.assignee,
            candidateUsers: [...task.candidateUsers],
            candidateGroups: [...task.candidateGroups],
            dueDate: task.dueAt?.toISOString() ?? null,
            followUpDate: task.followUpAt?.toISOString() ?? null,
            priority: task.priority,
            formId: task.formId,
          },
          requestedBy: cx.actor,
        },
      },
      { endsTasks: [id] },
    );
    cx.afterCommit.push(() => this.runner.cache.forget(instance.id));
    return taskFromRow(await read());
  }

  /**
   * An assignee change on a task with assigning listeners: decided by the policy on the locked
   * row as any other, then handed to the runtime, which leaves the task `assigning` and creates the
   * first listener's job; the change is written when the last one completes (or not, if one
   * denies). Returns the task as it is now, `assigning`. A change that also sets candidates or
   * data (a hand-off to a group, a resolution) is refused: its listeners could not see it.
   */
  async #assignThroughListeners(
    cx: TxContext,
    id: string,
    identity: Identity,
    action: TaskAction,
    decision: () => (task: Task) => TaskChange,
  ): Promise<Task> {
    const { instance, task, read } = await lockedTaskFor(cx, id, identity, action);
    const change = decision()(task);
    if (change.unchanged === true) return task;
    const set = change.set ?? {};
    const other = Object.keys(set).filter((k) => k !== 'assignee' && k !== 'owner' && k !== 'delegated');
    if (other.length > 0)
      throw new InvalidArgumentError(
        `Task ${id} ('${task.elementId}') has assigning listeners: a ${action} that also changes ${other.join(', ')} is not supported on it; assign the task instead`,
      );
    const text = (value: unknown, current: string | null) =>
      value === undefined ? current : typeof value === 'string' ? value : null;
    const assignee = text(set.assignee, task.assignee);
    const history = assignmentHistory(change.history.type);
    await this.runner.run(
      cx,
      instance,
      {
        type: 'task.assign',
        taskId: id,
        assignment: {
          assignee,
          owner: text(set.owner, task.owner),
          delegated: set.delegated === undefined ? task.delegated : set.delegated === true,
          action: action === 'claim' ? 'claim' : assignee === null ? 'unassign' : 'assign',
          history: {
            type: history,
            data: { ...((change.history.data ?? {}) as Record<string, JsonValue>), requestedBy: cx.actor },
          },
        },
      },
      { endsTasks: [id] },
    );
    cx.afterCommit.push(() => this.runner.cache.forget(instance.id));
    return taskFromRow(await read());
  }

  /**
   * In a transaction (the retry after a lost race, or a step with follow-ups): lock the task's
   * instance row first (the lock order of every command), then read the task in a second
   * statement, whose snapshot includes whatever a concurrent winner committed, and decide.
   */
  async #runLocked(
    cx: TxContext,
    taskId: string,
    command: Command,
    options: (claimFor: string | undefined) => RunOptions,
    decide: (task: CachedTask) => Promise<string | undefined>,
  ): Promise<{ instanceId: string; result: StepResult }> {
    const { rows } = await cx.trx.executeQuery(
      CompiledQuery.raw(
        `SELECT * FROM instances WHERE id = (SELECT instance_id FROM user_tasks WHERE id = $1::uuid)
        FOR NO KEY UPDATE`,
        [taskId],
      ) as CompiledQuery<InstanceRow>,
    );
    const instance = rows[0];
    if (!instance) throw new TaskNotFoundError(taskId);
    const row = await cx.trx
      .selectFrom('user_tasks')
      .selectAll()
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    const task = factsFromRow(row);
    const claimFor = await decide(task);
    if (task.state !== 'created') throw new TaskNotActiveError(taskId, task.state);
    const result = await this.runner.run(cx, instance, command, options(claimFor));
    return { instanceId: instance.id, result };
  }

  async #throughRuntime(
    id: string,
    identity: Identity,
    action: 'complete' | 'return',
    endState: 'completed' | 'cancelled',
    command: Command,
    check: TaskDataCheck | undefined,
    mapEffect: (effect: Effect) => Effect = (effect) => effect,
    /** More writes in the command's transaction (then it always runs in one). */
    after?: (cx: TxContext, result: StepResult) => Promise<void>,
  ): Promise<void> {
    if (!isUuid(id)) throw new TaskNotFoundError(id);
    // The data check runs once, in the first (single-statement) attempt, which holds no
    // transaction: a retry after a lost race decides again but the data and form are the same.
    const checkOnce = once(check);
    // Policy first (a hidden task is "not found" even when closed), then the task's state, then
    // the caller's data check: nobody learns of a form they may not fill.
    const decide = (cx: TxContext) => async (task: CachedTask) => {
      if (task.state !== 'created') await refuseClosed(cx, identity, task);
      const { claimFirst } = await authorize(cx, identity, action, task);
      await checkOnce({ id: task.id, formId: task.formId });
      return claimFirst && identity.kind === 'user' ? identity.id : undefined;
    };
    const options = (cx: TxContext) => (claimFor: string | undefined) => {
      // A completion the task's completing listeners must first agree to leaves the task
      // 'completing' (the step says so with a task.update, which the guard then writes).
      let pending = false;
      return {
        guard: (written: string, p: SqlParams) =>
          taskGuard(id, pending ? 'completing' : endState, cx, claimFor)(written, p),
        endsTasks: [id],
        adjust: (effects: readonly Effect[]) =>
          effects
            .filter((e) => {
              if (e.type !== 'task.update' || e.taskId !== id || e.state !== 'completing') return true;
              pending = true;
              return false;
            })
            .filter((e) => !(e.type === 'task.cancel' && e.taskId === id))
            .map(mapEffect)
            .map((e) =>
              claimFor !== undefined &&
              e.type === 'history' &&
              (e.record.type === 'task.completed' || e.record.type === 'task.completing')
                ? { ...e, record: { ...e.record, data: { ...(e.record.data ?? {}), claimedBy: claimFor } } }
                : e,
            ),
      };
    };
    try {
      await this.tx(
        identity,
        async (cx) => {
          if (cx.inTransaction) {
            const { instanceId, result } = await this.#runLocked(cx, id, command, options(cx), decide(cx));
            await after?.(cx, result);
            cx.changes.push({ kind: 'task', id, instanceId, change: changeOf(result, id, endState) });
            return;
          }
          // Fast path: the instance and the task as this engine last wrote them, no read; the
          // version check in the write proves both current (every change of the task's assignee,
          // candidates or delegation bumps the instance's version).
          const cached = this.runner.cache.forTask(id);
          if (cached) {
            try {
              const claimFor = await decide(cx)(cached.task);
              const result = await this.runner.run(cx, cached.row, command, options(cx)(claimFor));
              cx.changes.push({
                kind: 'task',
                id,
                instanceId: cached.row.id,
                change: changeOf(result, id, endState),
              });
              return;
            } catch (error) {
              // Stale (another process wrote) or the task is gone: read and decide again, which
              // also turns a genuine problem into its proper error. The failed write wrote nothing.
              if (!(error instanceof EngineError) || error instanceof StoreUnavailableError) throw error;
              this.runner.cache.forget(cached.row.id);
            }
          }
          // One round trip for the task and its instance row, read in one snapshot.
          const { rows } = await cx.trx.executeQuery(
            CompiledQuery.raw(
              `${PREPARE}SELECT i.*, t.state AS t_state, t.assignee AS t_assignee, t.owner AS t_owner,
                t.delegated AS t_delegated, t.candidate_users AS t_candidate_users,
                t.candidate_groups AS t_candidate_groups, t.completed_by AS t_completed_by, t.form_id AS t_form_id
              FROM user_tasks t JOIN instances i ON i.id = t.instance_id WHERE t.id = $1::uuid`,
              [id],
            ) as CompiledQuery<InstanceRow & TaskColumns>,
          );
          const found = rows[0];
          if (!found) throw new TaskNotFoundError(id);
          const {
            t_state,
            t_assignee,
            t_owner,
            t_delegated,
            t_candidate_users,
            t_candidate_groups,
            t_completed_by,
            t_form_id,
            ...instance
          } = found;
          const claimFor = await decide(cx)({
            id,
            processId: instance.process_id,
            state: t_state,
            assignee: t_assignee,
            owner: t_owner,
            delegated: t_delegated,
            candidateUsers: t_candidate_users ?? [],
            candidateGroups: t_candidate_groups ?? [],
            completedBy: t_completed_by,
            formId: t_form_id,
          });
          const result = await this.runner.run(cx, instance, command, options(cx)(claimFor));
          cx.changes.push({
            kind: 'task',
            id,
            instanceId: instance.id,
            change: changeOf(result, id, endState),
          });
          // The task guard is implied by the version check (every task state change bumps the
          // instance version), so this command may run as one statement outside a transaction.
        },
        { singleStatement: after === undefined },
      );
    } catch (error) {
      if (error instanceof GuardMissedError) {
        const current = await this.tx(identity, (cx) =>
          cx.trx.selectFrom('user_tasks').select('state').where('id', '=', id).executeTakeFirst(),
        );
        throw new TaskNotActiveError(id, current?.state ?? 'gone');
      }
      throw error;
    }
  }
}

/** The instance row of a task, locked first (the lock order of every command); not found: TaskNotFoundError. */
async function lockInstanceOf(cx: TxContext, taskId: string): Promise<InstanceRow> {
  if (!isUuid(taskId)) throw new TaskNotFoundError(taskId);
  const { rows } = await cx.trx.executeQuery(
    CompiledQuery.raw(
      `SELECT * FROM instances WHERE id = (SELECT instance_id FROM user_tasks WHERE id = $1::uuid)
      FOR NO KEY UPDATE`,
      [taskId],
    ) as CompiledQuery<InstanceRow>,
  );
  const instance = rows[0];
  if (!instance) throw new TaskNotFoundError(taskId);
  return instance;
}

/**
 * A command through the task's listeners starts here: the instance row locked (the lock order of
 * every command), the task read after it, and the policy's decision on it for `action`, refusing
 * a closed task as any command does. `read` reads the task again (after the step).
 */
async function lockedTaskFor(cx: TxContext, id: string, identity: Identity, action: TaskAction) {
  const instance = await lockInstanceOf(cx, id);
  const read = () =>
    cx.trx.selectFrom('user_tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const row = await read();
  const facts = factsFromRow(row);
  if (facts.state !== 'created') await refuseClosed(cx, identity, facts);
  await authorize(cx, identity, action, facts);
  return { instance, task: taskFromRow(row), read };
}

/**
 * Zeebe's changeset of "update user task": an absent or null field stays as it is; '' clears a
 * date; an empty list clears candidates. The assignee is not changed here (claim, assign).
 */
export interface TaskChangeset {
  /** An ISO 8601 date-time with a zone (as a modeler's due date), or '' to clear. */
  readonly dueDate?: string | null;
  readonly followUpDate?: string | null;
  /** A whole number from 0 to 100. */
  readonly priority?: number | null;
  readonly candidateUsers?: readonly string[] | null;
  readonly candidateGroups?: readonly string[] | null;
}

const MAX_CANDIDATES = 1000;

/**
 * Checks a changeset and returns it as corrections: dates as UTC ISO strings ('' clears),
 * candidates trimmed and without duplicates. An empty changeset is refused, as Zeebe refuses one.
 */
function checkChangeset(changes: TaskChangeset): TaskCorrections {
  const out: { -readonly [K in keyof TaskCorrections]: TaskCorrections[K] } = {};
  const bad = (field: string, what: string) => new InvalidArgumentError(`changeset.${field} must be ${what}`);
  for (const field of ['dueDate', 'followUpDate'] as const) {
    const value = changes[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw bad(field, "an ISO 8601 date-time or ''");
    if (value === '') {
      out[field] = '';
      continue;
    }
    const date = parseDateTime(value);
    if (!date)
      throw bad(field, "an ISO 8601 date-time with a time zone (as 2030-01-31T17:00:00Z), or '' to clear");
    out[field] = date.toISOString();
  }
  const { priority } = changes;
  if (priority !== undefined && priority !== null) {
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 100)
      throw bad('priority', 'a whole number from 0 to 100');
    out.priority = priority;
  }
  for (const field of ['candidateUsers', 'candidateGroups'] as const) {
    const list = changes[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || list.length > MAX_CANDIDATES)
      throw bad(field, `a list of at most ${MAX_CANDIDATES} names`);
    const names = list.map((name) => (typeof name === 'string' ? name.trim() : ''));
    if (names.some((name) => name === '')) throw bad(field, 'a list of non-empty names');
    out[field] = [...new Set(names)];
  }
  if (Object.keys(out).length === 0)
    throw new InvalidArgumentError(
      'The changeset is empty: give at least one of dueDate, followUpDate, priority, candidateUsers, candidateGroups',
    );
  return out;
}

/** The task columns a checked changeset sets. */
function changesetColumns(c: TaskCorrections): Updateable<UserTasksTable> {
  const date = (value: string) => (value === '' ? null : new Date(value));
  return {
    ...(c.dueDate !== undefined ? { due_at: date(c.dueDate) } : {}),
    ...(c.followUpDate !== undefined ? { follow_up_at: date(c.followUpDate) } : {}),
    ...(c.priority !== undefined ? { priority: c.priority } : {}),
    ...(c.candidateUsers !== undefined ? { candidate_users: [...c.candidateUsers] } : {}),
    ...(c.candidateGroups !== undefined ? { candidate_groups: [...c.candidateGroups] } : {}),
  };
}

/** Task operations that change who the task's assignee is: its assigning listeners run first. */
const ASSIGNEE = { assignee: true } as const;

const ASSIGNMENT_HISTORY: ReadonlySet<string> = new Set([
  'task.claimed',
  'task.unclaimed',
  'task.assigned',
  'task.handedOff',
  'task.delegated',
]);

function assignmentHistory(type: string): Extract<HistoryType, `task.${string}`> {
  if (!ASSIGNMENT_HISTORY.has(type)) throw new Error(`'${type}' is no assignee change`);
  return type as Extract<HistoryType, `task.${string}`>;
}

/** What the command did to the task: its end state, or `completing` while its listeners decide. */
function changeOf(result: StepResult, taskId: string, endState: string): string {
  const pending = result.effects.some(
    (e) => e.type === 'task.update' && e.taskId === taskId && e.state === 'completing',
  );
  return pending ? 'completing' : endState;
}

/** The task's columns the completion's read adds to its instance row. */
interface TaskColumns {
  readonly t_state: string;
  readonly t_assignee: string | null;
  readonly t_owner: string | null;
  readonly t_delegated: boolean;
  readonly t_candidate_users: string[] | null;
  readonly t_candidate_groups: string[] | null;
  readonly t_completed_by: string | null;
  readonly t_form_id: string | null;
}

/**
 * Records on the tasks a return created (those of its target element) which task came back, who
 * returned it and why; the change feed's copies of them say so too.
 */
async function markReturned(
  cx: TxContext,
  result: StepResult,
  r: { readonly taskId: string; readonly targetElementId: string; readonly reason: string },
): Promise<void> {
  const created = result.effects.flatMap((e) =>
    e.type === 'task.create' && e.task.elementId === r.targetElementId ? [e.task.id] : [],
  );
  if (created.length === 0) return;
  const from = await cx.trx
    .selectFrom('user_tasks')
    .select('element_id')
    .where('id', '=', r.taskId)
    .executeTakeFirstOrThrow();
  const returnedFrom = {
    taskId: r.taskId,
    elementId: from.element_id,
    by: cx.actor,
    reason: r.reason,
    at: cx.now,
  };
  await cx.trx
    .updateTable('user_tasks')
    .set({ returned_from: returnColumn(returnedFrom) })
    .where('id', 'in', created)
    .execute();
  for (const [i, change] of cx.changes.entries()) {
    if (change.kind === 'task' && change.task && created.includes(change.id))
      cx.changes[i] = { ...change, task: { ...change.task, returnedFrom } };
  }
}

/** Runs `check` on its first call only (undefined: nothing to run). */
export function once<A>(check: ((arg: A) => void | Promise<void>) | undefined): (arg: A) => Promise<void> {
  let done = check === undefined;
  return async (arg) => {
    if (done || !check) return;
    done = true;
    await check(arg);
  };
}

/**
 * A command on a closed task: "not found" to whoever may not see it (no one learns it exists),
 * else "not active".
 */
async function refuseClosed(cx: TxContext, identity: Identity, task: TaskFacts): Promise<never> {
  if (!policy.seesTask(identity, task, false) && !(await managesTask(cx, identity, task)))
    throw new TaskNotFoundError(task.id);
  throw new TaskNotActiveError(task.id, task.state);
}

async function managesTask(cx: TxContext, identity: Identity, task: TaskFacts): Promise<boolean> {
  return policy.manages(identity, await readProcessAccess(cx.trx, task.processId));
}

/**
 * Passes when the identity manages the instance's process (read in the same transaction); else
 * ForbiddenError for someone taking part in the instance, and InstanceNotFoundError for anyone
 * else, so strangers do not learn that it exists.
 */
export async function assertManages(
  cx: TxContext,
  identity: Identity,
  instance: { readonly id: string; readonly process_id: string; readonly started_by: string | null },
): Promise<void> {
  if (identity.kind === 'system') return;
  if (policy.manages(identity, await readProcessAccess(cx.trx, instance.process_id))) return;
  if (await takesPart(cx, identity, instance))
    throw new ForbiddenError(`You do not manage the process '${instance.process_id}'`, identity.id);
  throw new InstanceNotFoundError(instance.id);
}
