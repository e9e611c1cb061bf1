import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { ForbiddenError, InstanceNotFoundError, InvalidArgumentError } from '../../src/errors.js';
import { systemIdentity, userIdentity } from '../../src/identity.js';
import { bpmnFile, endEvent, linearProcess, startEvent, userTask } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

const DAY = 86_400_000;
const ops = systemIdentity('olga');
/** One user task, so an instance finishes when a test completes it. */
const kept = (id: string) =>
  bpmnFile([linearProcess(id, [startEvent(), userTask('do', { assignee: 'ann' }), endEvent()])]);

describe.each(databases())('retention on $name', (target) => {
  let database: Database;
  let engine: Engine;
  let clock: VirtualClock;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine, clock } = await testEngine(database));
    await truncateEngineTables(database);
    await engine.deploy(kept('leave'));
    await engine.deploy(kept('audit'));
  });

  /** Starts an instance and, unless told to keep it running, completes its task now. */
  const instance = async (processId: string, finish = true) => {
    const started = await engine.startInstance({ processId }, ops);
    if (finish)
      await engine.completeTask((await onlyOpenTask(engine, started.id)).id, {}, systemIdentity('ann'));
    return started.id;
  };
  const rowsOf = async (instanceId: string) => {
    const { rows } = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM instances WHERE id = ${instanceId})
        + (SELECT count(*) FROM history WHERE instance_id = ${instanceId})
        + (SELECT count(*) FROM user_tasks WHERE instance_id = ${instanceId}) AS n`.execute(database.db);
    return Number(rows[0]?.n);
  };
  const historyRowsOf = async (instanceId: string) => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*) AS n FROM history WHERE instance_id = ${instanceId}`.execute(database.db);
    return Number(rows[0]?.n);
  };

  it('keeps everything by default, however old', async () => {
    const id = await instance('leave');
    clock.advance(3_000 * DAY);
    expect(await engine.sweepRetention()).toEqual({
      removed: 0,
      byProcess: {},
      instanceIds: [],
      more: false,
      // the month made ahead at start, which nothing was written to, goes; the instance's stays
      droppedMonths: ['history_y2026m04'],
    });
    expect(await rowsOf(id)).toBeGreaterThan(3);
    expect((await engine.getHistory(id)).length).toBeGreaterThan(3);
  });

  it('removes finished instances past their process’s time to live, with their history and tasks, and nothing else', async () => {
    // given a 30-day time to live on "leave" only
    await engine.setRetention('leave', 30, ops);
    expect(await engine.getRetention('leave')).toBe(30);
    const old = await instance('leave');
    const running = await instance('leave', false);
    const otherProcess = await instance('audit');
    clock.advance(20 * DAY);
    const younger = await instance('leave');
    // when 31 days have passed since the first ended
    clock.advance(11 * DAY);
    const first = await engine.sweepRetention();
    // then only that one is gone, with every row it had but its history, which nothing shows any
    // more and which waits to go with its month (kept here by the running instance)
    expect(first).toEqual({ removed: 1, byProcess: { leave: 1 }, instanceIds: [old], more: false });
    const oldHistory = await historyRowsOf(old);
    expect(oldHistory).toBeGreaterThan(3);
    expect(await rowsOf(old)).toBe(oldHistory);
    await expect(engine.getInstance(old)).rejects.toBeInstanceOf(InstanceNotFoundError);
    await expect(engine.getHistory(old)).rejects.toBeInstanceOf(InstanceNotFoundError);
    for (const id of [running, otherProcess, younger]) expect(await rowsOf(id)).toBeGreaterThan(0);
    // and the younger one follows when its own 30 days are up; the running one never does
    clock.advance(20 * DAY);
    expect((await engine.sweepRetention()).removed).toBe(1);
    await expect(engine.getHistory(younger)).rejects.toBeInstanceOf(InstanceNotFoundError);
    expect(await rowsOf(younger)).toBe(await historyRowsOf(younger));
    // and once the grace for a month to go whole has passed, their history rows are deleted too
    clock.advance(1_000 * DAY);
    expect(await engine.sweepRetention()).toMatchObject({ removed: 0, purgedHistories: 2 });
    expect(await rowsOf(old)).toBe(0);
    expect(await rowsOf(younger)).toBe(0);
    expect((await engine.getInstance(running)).status).toBe('active');
    for (const id of [running, otherProcess]) expect(await rowsOf(id)).toBeGreaterThan(0);
  });

  it('works in batches and says when it stopped with more to do', async () => {
    await engine.setRetention('leave', 1, ops);
    for (let i = 0; i < 5; i++) await instance('leave');
    clock.advance(2 * DAY);
    expect(await engine.sweepRetention({ batchSize: 2, maxBatches: 2 })).toMatchObject({
      removed: 4,
      more: true,
    });
    expect(await engine.sweepRetention({ batchSize: 2, maxBatches: 2 })).toMatchObject({
      removed: 1,
      more: false,
    });
  });

  it('lets designers and admins set a time to live, within bounds, and switch it off', async () => {
    await expect(
      engine.setRetention('leave', 30, userIdentity('sam', { roles: ['staff'] })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(engine.setRetention('leave', 0, ops)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(engine.setRetention('leave', 1.5, ops)).rejects.toBeInstanceOf(InvalidArgumentError);
    await engine.setRetention('leave', 7, userIdentity('dana', { roles: ['designer'] }));
    await engine.setRetention('leave', null, ops);
    expect(await engine.getRetention('leave')).toBeNull();
  });

  it('exports an instance with its history and tasks to its managers only', async () => {
    const id = await instance('leave');
    const exported = await engine.exportInstance(id, userIdentity('mia', { roles: ['manager'] }));
    expect(exported.format).toBe('baton.instance/1');
    expect(exported.instance).toMatchObject({ id, status: 'completed' });
    expect(exported.history.map((e) => e.type)).toEqual(
      expect.arrayContaining(['instance.started', 'task.completed']),
    );
    expect(exported.tasks).toHaveLength(1);
    await expect(engine.exportInstance(id, userIdentity('zoe', { roles: ['staff'] }))).rejects.toBeInstanceOf(
      InstanceNotFoundError,
    );
  });

  it.skipIf(target.name !== 'postgres')(
    'leaves an instance that a command holds for the next sweep',
    async () => {
      // given an expired instance whose row another connection holds
      await engine.setRetention('leave', 1, ops);
      const held = await instance('leave');
      clock.advance(2 * DAY);
      const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(database.db);
      const url = new URL(process.env.DATABASE_URL ?? '');
      url.pathname = `/${rows[0]?.name}`;
      const other = new pg.Client({ connectionString: url.toString() });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('SELECT 1 FROM instances WHERE id = $1 FOR UPDATE', [held]);
        // when the sweep runs, it does not wait and does not remove it
        expect((await engine.sweepRetention()).removed).toBe(0);
        await other.query('ROLLBACK');
        // then the next sweep does
        expect((await engine.sweepRetention()).removed).toBe(1);
      } finally {
        await other.end();
      }
    },
  );
});
