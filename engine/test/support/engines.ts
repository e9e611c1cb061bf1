import { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import { createEngine, type Engine } from '../../src/engine.js';

export const T0 = new Date('2026-03-02T08:00:00.000Z');

/** An engine on a test database with a virtual clock starting at T0 (or the clock given). */
export async function testEngine(
  database: Database,
  options: { clock?: VirtualClock; workerId?: string } = {},
) {
  const clock = options.clock ?? new VirtualClock(T0);
  const engine: Engine = await createEngine({
    database,
    clock,
    ...(options.workerId ? { workerId: options.workerId } : {}),
  });
  return { engine, clock };
}

/** The only open task of an instance (fails loudly when there is not exactly one). */
export async function onlyOpenTask(engine: Engine, instanceId: string) {
  const { items } = await engine.listTasks({ instanceId, state: 'created' });
  if (items.length !== 1)
    throw new Error(`expected one open task, found ${items.map((t) => t.elementId).join(', ')}`);
  return items[0] as (typeof items)[number];
}
