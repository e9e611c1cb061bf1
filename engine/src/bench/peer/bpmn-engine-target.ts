import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import pg from 'pg';
import type { Shape } from './shapes.js';
import { POOL_IDLE_MS } from './database.js';

/**
 * Where a bpmn-engine user keeps an instance between steps. bpmn-engine runs in memory; to
 * survive a restart its user must save `engine.getState()` after every step and `recover` it.
 */
export interface StateStore {
  readonly label: string;
  /** False: nothing is saved and the state is not even serialized (`getState()` is never called). */
  readonly saves: boolean;
  save(instanceId: string, state: string): Promise<void>;
  close(): Promise<void>;
}

/** Keeps nothing and serializes nothing: bpmn-engine running in memory only. */
export function memoryStore(): StateStore {
  return { label: 'bpmn-engine, memory only', saves: false, save: async () => {}, close: async () => {} };
}

/** Upserts the state as jsonb into PostgreSQL, one row per instance, like Baton's instance row. */
export async function postgresStore(url: string, poolSize: number): Promise<StateStore> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: POOL_IDLE_MS });
  // An idle connection dropped by the server must not crash the run.
  pool.on('error', () => {});
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bpmn_engine_state (id text PRIMARY KEY, version int NOT NULL, state jsonb NOT NULL, saved_at timestamptz NOT NULL)',
  );
  return {
    label: 'bpmn-engine, state saved to PostgreSQL',
    saves: true,
    async save(instanceId, state) {
      await pool.query(
        `INSERT INTO bpmn_engine_state (id, version, state, saved_at) VALUES ($1, 1, $2, now())
         ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, version = bpmn_engine_state.version + 1, saved_at = now()`,
        [instanceId, state],
      );
    },
    close: () => pool.end(),
  };
}

/** The serialized, already parsed process, so no instance pays for parsing the XML again. */
type SourceContext = NonNullable<ConstructorParameters<typeof Engine>[0]>['sourceContext'];

interface WaitingActivity {
  signal(message?: unknown): void;
}

/** Drives bpmn-engine (npm) through the same shapes, saving state after every step. */
export interface PeerTarget {
  instance(shape: Shape): Promise<void>;
  /** Average size of one saved state of `shape`, in bytes. */
  averageStateBytes(shape: Shape): number;
}

export async function openBpmnEngineTarget(shapes: readonly Shape[], store: StateStore): Promise<PeerTarget> {
  const contexts = new Map<string, SourceContext>();
  // Parsing once and passing `sourceContext` is bpmn-engine's documented way to skip it per instance.
  const parser = new Engine() as unknown as { _serializeSource(xml: string): Promise<SourceContext> };
  for (const shape of shapes) contexts.set(shape.name, await parser._serializeSource(shape.plainXml));
  const sizes = new Map<string, { bytes: number; saves: number }>(
    shapes.map((s) => [s.name, { bytes: 0, saves: 0 }]),
  );
  let counter = 0;

  const save = async (shape: Shape, id: string, engine: Engine) => {
    if (!store.saves) return;
    const state = JSON.stringify(await engine.getState());
    const size = sizes.get(shape.name)!;
    size.bytes += state.length;
    size.saves++;
    await store.save(id, state);
  };

  const userTasks = async (shape: Shape) => {
    const id = `i${++counter}`;
    const listener = new EventEmitter();
    const waiting: WaitingActivity[] = [];
    let wake: (() => void) | undefined;
    listener.on('wait', (activity: WaitingActivity) => {
      waiting.push(activity);
      wake?.();
    });
    const engine = new Engine({ name: id, sourceContext: contexts.get(shape.name) });
    const ended = engine.waitFor('end');
    await engine.execute({ listener, variables: { requester: 'ann' } });
    await save(shape, id, engine);
    for (let step = 0; step < 3; step++) {
      while (waiting.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      waiting.shift()!.signal({ [`step${step}`]: true });
      await save(shape, id, engine);
    }
    await ended;
  };

  const serviceTasks = async (shape: Shape) => {
    const id = `i${++counter}`;
    const listener = new EventEmitter();
    const saving: Promise<void>[] = [];
    const engine = new Engine({
      name: id,
      sourceContext: contexts.get(shape.name),
      services: {
        work: (_context: unknown, next: (error: Error | null, result?: unknown) => void) => next(null, {}),
      },
    });
    // One save per completed branch, as each branch's work must not be redone after a crash.
    listener.on('activity.end', (activity: { type: string }) => {
      if (activity.type === 'bpmn:ServiceTask') saving.push(save(shape, id, engine));
    });
    const ended = engine.waitFor('end');
    await engine.execute({ listener });
    await save(shape, id, engine);
    await ended;
    await Promise.all(saving);
  };

  return {
    instance: (shape) => (shape.name === 'three-user-tasks' ? userTasks(shape) : serviceTasks(shape)),
    averageStateBytes(shape) {
      const size = sizes.get(shape.name);
      return size && size.saves > 0 ? size.bytes / size.saves : 0;
    },
  };
}
