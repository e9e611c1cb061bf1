import type { Selectable } from 'kysely';
import type { Task } from './api.js';
import type { TaskFacts } from './identity.js';
import type { InstancesTable } from './persistence/schema.js';

type InstanceRow = Selectable<InstancesTable>;

/** What a completion needs to know of an open task without reading it: the policy's facts and its form. */
export interface CachedTask extends TaskFacts {
  readonly formId: string | null;
}

const DEFAULT_CAPACITY = 10_000;

interface Entry {
  readonly row: InstanceRow;
  /** Open tasks of the instance, as they were at `row.version`. */
  readonly tasks: Map<string, CachedTask>;
}

/**
 * The last committed row of recently written instances, and the open tasks of each, so completing
 * a task needs no read: the write's version check is the proof that the cached state is still
 * current. Every change to a task that the policy decides on (claim, assignment, hand-off,
 * delegation) bumps its instance's version, so a task's cached facts hold exactly as long as the
 * version they were seen at; a stale entry (another engine process wrote meanwhile) makes the
 * write touch nothing, and the command then reads the row and decides again. Bounded, least
 * recently used first out.
 *
 * Measured: one read less per task completion is ~1/8 fewer round trips per instance of the
 * benchmark's three-task process.
 */
export class InstanceCache {
  readonly #instances = new Map<string, Entry>();
  readonly #taskInstance = new Map<string, string>();

  constructor(readonly capacity = DEFAULT_CAPACITY) {}

  /** The cached row of the instance an open task belongs to, with the task's facts at that version. */
  forTask(taskId: string): { readonly row: InstanceRow; readonly task: CachedTask } | undefined {
    const instanceId = this.#taskInstance.get(taskId);
    const entry = instanceId === undefined ? undefined : this.#instances.get(instanceId);
    const task = entry?.tasks.get(taskId);
    return entry && task ? { row: entry.row, task } : undefined;
  }

  /** The row of an instance as this engine last wrote or read it, if still cached. */
  row(instanceId: string): InstanceRow | undefined {
    return this.#instances.get(instanceId)?.row;
  }

  /**
   * Records a committed write from `previousVersion` (null: the row was inserted). The tasks known
   * before stay known only when the cache saw that very version: then no one else wrote between.
   */
  remember(
    row: InstanceRow,
    previousVersion: number | null,
    created: readonly CachedTask[],
    endedTaskIds: readonly string[],
  ): void {
    for (const taskId of endedTaskIds) this.#taskInstance.delete(taskId);
    const before = this.#instances.get(row.id);
    this.#instances.delete(row.id);
    if (row.status !== 'active') return;
    const tasks =
      before !== undefined && previousVersion !== null && before.row.version === previousVersion
        ? before.tasks
        : new Map<string, CachedTask>();
    for (const taskId of endedTaskIds) tasks.delete(taskId);
    for (const task of created) {
      tasks.set(task.id, task);
      this.#taskInstance.set(task.id, row.id);
    }
    this.#instances.set(row.id, { row, tasks });
    evictOldest(this.#instances, this.capacity);
    evictOldest(this.#taskInstance, this.capacity * 4);
  }

  /**
   * Remembers an instance row and ALL its open tasks as one read saw them in one snapshot (the
   * by-instance task lookup), unless the cache already knows this version or a newer one. Safe
   * for the same reason as `remember`: a completion decided on these facts writes only if the
   * instance is still at this version, and every change of a task's facts bumps that version.
   */
  prime(row: InstanceRow, openTasks: readonly CachedTask[]): void {
    if (row.status !== 'active') return;
    const known = this.#instances.get(row.id);
    if (known && known.row.version >= row.version) return;
    this.#instances.delete(row.id);
    const tasks = new Map<string, CachedTask>();
    for (const task of openTasks) {
      tasks.set(task.id, task);
      this.#taskInstance.set(task.id, row.id);
    }
    this.#instances.set(row.id, { row, tasks });
    evictOldest(this.#instances, this.capacity);
    evictOldest(this.#taskInstance, this.capacity * 4);
  }

  forget(instanceId: string): void {
    this.#instances.delete(instanceId);
  }
}

function evictOldest<K, V>(map: Map<K, V>, capacity: number): void {
  while (map.size > capacity) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}

/** A task row's facts as the policy and a completion see them. */
export function cachedTaskOf(task: Task): CachedTask {
  return {
    id: task.id,
    processId: task.processId,
    state: task.state,
    assignee: task.assignee,
    owner: task.owner,
    delegated: task.delegated,
    candidateUsers: task.candidateUsers,
    candidateGroups: task.candidateGroups,
    completedBy: task.completedBy,
    formId: task.formId,
  };
}
