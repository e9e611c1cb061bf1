import { CompiledQuery, type Kysely } from 'kysely';
import type { Actor, Task } from './api.js';
import {
  type CommandRunner,
  GuardMissedError,
  type InstanceRow,
  type RunOptions,
  taskGuard,
} from './command-runner.js';
import { PREPARE } from './database.js';
import {
  EngineError,
  InstanceNotFoundError,
  InvalidArgumentError,
  StoreUnavailableError,
  TaskNotActiveError,
  TaskNotFoundError,
} from './errors.js';
import { isUuid } from './persistence/ids.js';
import type { DB } from './persistence/schema.js';
import type { Command, Effect, Variables } from './runtime/types.js';
import { changeTask, taskChanges } from './task-changes.js';
import type { TxContext } from './transaction.js';

type Tx = <T>(
  actor: Actor,
  work: (cx: TxContext) => Promise<T>,
  options?: { readonly singleStatement?: boolean },
) => Promise<T>;

/** Task commands: row operations, plus completion and return through the runtime. */
export class TaskOperations {
  constructor(
    readonly runner: CommandRunner,
    readonly tx: Tx,
  ) {}

  /** A command on an instance with no task guard (cancel, set variables). */
  async onInstance(instanceId: string, actor: Actor, command: Command): Promise<void> {
    if (!isUuid(instanceId)) throw new InstanceNotFoundError(instanceId);
    await this.tx(actor, (cx) => this.runner.run(cx, instanceId, command));
  }

  claim(id: string, user: string, actor: Actor): Promise<Task> {
    return this.tx(actor, (cx) => changeTask(cx, id, taskChanges.claim(user)));
  }

  unclaim(id: string, actor: Actor): Promise<Task> {
    return this.tx(actor, (cx) => changeTask(cx, id, taskChanges.unclaim()));
  }

  assign(id: string, user: string, actor: Actor): Promise<Task> {
    return this.tx(actor, (cx) => changeTask(cx, id, taskChanges.assign(user)));
  }

  handOff(id: string, to: { user?: string; group?: string }, reason: string, actor: Actor): Promise<Task> {
    return this.tx(actor, (cx) => changeTask(cx, id, taskChanges.handOff(to, reason)));
  }

  delegate(id: string, toUser: string, reason: string | null, actor: Actor): Promise<Task> {
    return this.tx(actor, (cx) => changeTask(cx, id, taskChanges.delegate(toUser, reason, actor)));
  }

  resolve(id: string, variables: Variables, actor: Actor): Promise<Task> {
    return this.tx(actor, (cx) => changeTask(cx, id, taskChanges.resolve(variables)));
  }

  draft(id: string, variables: Variables, actor: Actor): Promise<Task> {
    return this.tx(actor, (cx) => changeTask(cx, id, taskChanges.draft(variables)));
  }

  async comment(id: string, text: string, actor: Actor): Promise<void> {
    await this.tx(actor, (cx) => changeTask(cx, id, taskChanges.comment(text), { anyState: true }));
  }

  /** Completion: the step moves the token; the guard marks the row completed only if it is still open. */
  async complete(id: string, variables: Variables, actor: Actor): Promise<void> {
    await this.#throughRuntime(id, actor, 'completed', { type: 'task.complete', taskId: id, variables });
  }

  /** 驳回: the token goes back to an earlier user task; the reason is kept on the history event. */
  async returnTo(id: string, targetElementId: string, reason: string, actor: Actor): Promise<void> {
    const why = reason.trim();
    if (why === '') throw new InvalidArgumentError('The reason must not be empty');
    await this.#throughRuntime(
      id,
      actor,
      'cancelled',
      { type: 'task.return', taskId: id, targetElementId },
      (e) =>
        e.type === 'history' && e.record.type === 'task.returned'
          ? { ...e, record: { ...e.record, data: { ...(e.record.data ?? {}), reason: why } } }
          : e,
    );
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
   * In a transaction (the retry after a lost race, or a step with follow-ups): lock the task's
   * instance row first (the lock order of every command), then read the task's state in a second
   * statement, whose snapshot includes whatever a concurrent winner committed.
   */
  async #runLocked(cx: TxContext, taskId: string, command: Command, options: RunOptions): Promise<string> {
    const { rows } = await cx.trx.executeQuery(
      CompiledQuery.raw(
        `SELECT * FROM instances WHERE id = (SELECT instance_id FROM user_tasks WHERE id = $1::uuid)
        FOR NO KEY UPDATE`,
        [taskId],
      ) as CompiledQuery<InstanceRow>,
    );
    const instance = rows[0];
    if (!instance) throw new TaskNotFoundError(taskId);
    const task = await cx.trx
      .selectFrom('user_tasks')
      .select('state')
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    if (task.state !== 'created') throw new TaskNotActiveError(taskId, task.state);
    await this.runner.run(cx, instance, command, options);
    return instance.id;
  }

  async #throughRuntime(
    id: string,
    actor: Actor,
    endState: 'completed' | 'cancelled',
    command: Command,
    mapEffect: (effect: Effect) => Effect = (effect) => effect,
  ): Promise<void> {
    if (!isUuid(id)) throw new TaskNotFoundError(id);
    try {
      await this.tx(
        actor,
        async (cx) => {
          const options = {
            guard: taskGuard(id, endState, cx),
            endsTasks: [id],
            adjust: (effects: readonly Effect[]) =>
              effects.filter((e) => !(e.type === 'task.cancel' && e.taskId === id)).map(mapEffect),
          };
          if (cx.inTransaction) {
            const instanceId = await this.#runLocked(cx, id, command, options);
            cx.changes.push({ kind: 'task', id, instanceId, change: endState });
            return;
          }
          // Fast path: the instance as this engine last wrote it, no read; the version check in
          // the write proves it current.
          const cached = this.runner.cache.forTask(id);
          if (cached) {
            try {
              await this.runner.run(cx, cached, command, options);
              cx.changes.push({ kind: 'task', id, instanceId: cached.id, change: endState });
              return;
            } catch (error) {
              // Stale (another process wrote) or the task is gone: read and step again, which
              // also turns a genuine problem into its proper error. The failed write wrote nothing.
              if (!(error instanceof EngineError) || error instanceof StoreUnavailableError) throw error;
              this.runner.cache.forget(cached.id);
            }
          }
          // One round trip for the task's state and its instance row.
          const { rows } = await cx.trx.executeQuery(
            CompiledQuery.raw(
              `${PREPARE}SELECT i.*, t.state AS task_state FROM user_tasks t JOIN instances i ON i.id = t.instance_id
              WHERE t.id = $1::uuid`,
              [id],
            ) as CompiledQuery<InstanceRow & { task_state: string }>,
          );
          const row = rows[0];
          if (!row) throw new TaskNotFoundError(id);
          const { task_state, ...instance } = row;
          if (task_state !== 'created') throw new TaskNotActiveError(id, task_state);
          await this.runner.run(cx, instance, command, options);
          cx.changes.push({ kind: 'task', id, instanceId: instance.id, change: endState });
          // The task guard is implied by the version check (every task state change bumps the
          // instance version), so this command may run as one statement outside a transaction.
        },
        { singleStatement: true },
      );
    } catch (error) {
      if (error instanceof GuardMissedError) {
        const current = await this.tx(null, (cx) =>
          cx.trx.selectFrom('user_tasks').select('state').where('id', '=', id).executeTakeFirst(),
        );
        throw new TaskNotActiveError(id, current?.state ?? 'gone');
      }
      throw error;
    }
  }
}
