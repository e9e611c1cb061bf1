import type { Selectable } from 'kysely';
import type { InstancesTable } from './persistence/schema.js';

type InstanceRow = Selectable<InstancesTable>;

const DEFAULT_CAPACITY = 10_000;

/**
 * The last committed row of recently written instances, and which instance each open task
 * belongs to, so completing a task needs no read: the write's version check is the proof that
 * the cached state is still current. A stale entry (another engine process wrote meanwhile) makes
 * the write touch nothing; the command then reads the row and steps again. Bounded, least
 * recently used first out.
 *
 * Measured: one read less per task completion is ~1/8 fewer round trips per instance of the
 * benchmark's three-task process.
 */
export class InstanceCache {
  readonly #instances = new Map<string, InstanceRow>();
  readonly #taskInstance = new Map<string, string>();

  constructor(readonly capacity = DEFAULT_CAPACITY) {}

  /** The cached row of the instance an open task belongs to. */
  forTask(taskId: string): InstanceRow | undefined {
    const instanceId = this.#taskInstance.get(taskId);
    return instanceId === undefined ? undefined : this.#instances.get(instanceId);
  }

  /** Records a committed write. Ended instances are dropped: no command can run on them. */
  remember(row: InstanceRow, createdTaskIds: readonly string[], endedTaskIds: readonly string[]): void {
    for (const taskId of endedTaskIds) this.#taskInstance.delete(taskId);
    this.#instances.delete(row.id);
    if (row.status !== 'active') return;
    this.#instances.set(row.id, row);
    for (const taskId of createdTaskIds) this.#taskInstance.set(taskId, row.id);
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
