import { createEngine, type Engine, openDatabase, userIdentity } from '../../index.js';

/**
 * Who starts and completes, as a person would through the API: the first task is hers (assignee
 * `=requester`), the next two she takes as a candidate (leads, managers), which the engine's
 * policy lets her claim and complete in one statement. Nothing is skipped for a trusted caller.
 */
const ANN = userIdentity('ann', { groups: ['leads', 'managers'] });
import type { Database } from '../../database.js';
import { POOL_IDLE_MS } from './database.js';
import type { Shape } from './shapes.js';

/** Drives Baton at engine level (no HTTP) on PostgreSQL. */
/**
 * Jobs one caller claims (one statement) and runs at once (`BATON_PEER_JOB_BATCH`, default 10: a
 * fan-out's branches, as an executor claims up to its concurrency and a Zeebe worker activates up
 * to `maxJobsToActivate`). Completions of one instance that finish together are written as one.
 */
export const JOB_BATCH = Number(process.env.BATON_PEER_JOB_BATCH ?? 10);

export interface BatonTarget {
  /** Runs one instance of `shape` to its end. */
  instance(shape: Shape): Promise<void>;
  close(): Promise<void>;
}

interface FeedEvent {
  readonly kind: 'task' | 'instance';
  readonly change: string;
  readonly taskId?: string;
}

/**
 * The change feed tells a caller which task its instance now waits on and when the instance
 * completed, the way the server's live updates learn it. Events are buffered per instance
 * because the first task is created inside the start transaction, before its id is known.
 */
class InstanceEvents {
  readonly #events = new Map<string, FeedEvent[]>();
  readonly #waiters = new Map<string, () => void>();

  push(instanceId: string, event: FeedEvent): void {
    const list = this.#events.get(instanceId) ?? [];
    list.push(event);
    this.#events.set(instanceId, list);
    this.#waiters.get(instanceId)?.();
  }

  /** Resolves with the first buffered event of the instance that `matches`, removing it. */
  async take(instanceId: string, matches: (event: FeedEvent) => boolean): Promise<FeedEvent> {
    for (;;) {
      const list = this.#events.get(instanceId) ?? [];
      const index = list.findIndex(matches);
      if (index >= 0) return list.splice(index, 1)[0]!;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.set(instanceId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#waiters.delete(instanceId);
    }
  }

  forget(instanceId: string): void {
    this.#events.delete(instanceId);
    this.#waiters.delete(instanceId);
  }
}

export async function openBatonTarget(
  url: string,
  shapes: readonly Shape[],
  poolSize: number,
): Promise<BatonTarget> {
  const database: Database = await openDatabase({ url, poolSize, timeouts: { idleMs: POOL_IDLE_MS } });
  const engine: Engine = await createEngine({ database, workerId: 'peer-bench' });
  for (const shape of shapes) await engine.deploy(shape.batonXml);
  engine.registerHandler('work', () => ({}));
  const events = new InstanceEvents();
  const unsubscribe = engine.onChange((change) => {
    if (change.kind === 'task' && change.change === 'created') {
      events.push(change.instanceId, { kind: 'task', change: 'created', taskId: change.id });
    } else if (change.kind === 'instance' && change.change === 'completed') {
      events.push(change.instanceId, { kind: 'instance', change: 'completed' });
    }
  });
  const completed = (event: FeedEvent) => event.kind === 'instance';

  const userTasks = async (shape: Shape) => {
    const { id } = await engine.startInstance(
      {
        processId: shape.processId,
        variables: { requester: 'ann' },
      },
      ANN,
    );
    for (let step = 0; step < 3; step++) {
      const created = await events.take(id, (event) => event.kind === 'task');
      await engine.completeTask(created.taskId!, { [`step${step}`]: true }, ANN);
    }
    await events.take(id, completed);
    events.forget(id);
  };

  // The caller is its own executor: after starting, it runs due jobs (its own or anyone's, as
  // executors do) until its instance has completed.
  const serviceTasks = async (shape: Shape) => {
    const { id } = await engine.startInstance({ processId: shape.processId }, ANN);
    let done = false;
    const finished = events.take(id, completed).then(() => {
      done = true;
    });
    while (!done) {
      const ran = await engine.runDueJobs({ limit: JOB_BATCH });
      if (ran === 0) await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 2))]);
    }
    events.forget(id);
  };

  return {
    instance: (shape) => (shape.name === 'three-user-tasks' ? userTasks(shape) : serviceTasks(shape)),
    async close() {
      unsubscribe();
      await engine.close();
      await database.close();
    },
  };
}
