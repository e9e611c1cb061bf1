import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import {
  bpmnFile,
  callActivity,
  endEvent,
  linearProcess,
  startEvent,
  threeStepProcess,
  timerCatch,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { T0, onlyOpenTask, testEngine } from '../support/engines.js';
import { SYSTEM, systemIdentity } from '../../src/identity.js';

describe.each(databases())('durability on $name', (target) => {
  afterAll(() => target.dispose());

  it('continues an instance after a restart: persist, new engine, resume', async () => {
    // given an instance half-way, on a database that outlives the engine
    const first = await target.openPersistent();
    const { engine, clock } = await testEngine(first);
    await engine.deploy(threeStepProcess());
    const instance = await engine.startInstance({ processId: 'three-steps' }, systemIdentity('ann'));
    await engine.completeTask(
      (await onlyOpenTask(engine, instance.id)).id,
      { step: 1 },
      systemIdentity('ann'),
    );
    await engine.close();
    await first.close();
    // when a new engine opens the same database
    const second = await target.openPersistent();
    const { engine: restarted } = await testEngine(second, { clock });
    // then it finds the instance where it was, and finishes it
    expect((await restarted.getInstance(instance.id)).activeElements).toEqual({ review: 1 });
    for (const user of ['lena', 'carl']) {
      await restarted.completeTask((await onlyOpenTask(restarted, instance.id)).id, {}, systemIdentity(user));
    }
    const done = await restarted.getInstance(instance.id);
    expect(done.status).toBe('completed');
    expect(done.variables).toMatchObject({ step: 1 });
    await second.close();
  });

  describe('on a shared database', () => {
    let database: Database;
    beforeAll(async () => {
      database = await target.open();
      await testEngine(database);
    });

    it('rolls back everything when an effect fails mid-command', async () => {
      // given a parent whose called child fails to create its task (a trigger stands in for a crash)
      await truncateEngineTables(database);
      const { engine } = await testEngine(database);
      await engine.deploy(
        bpmnFile([
          linearProcess('outer', [startEvent('o-start'), callActivity('call', 'inner'), endEvent('o-end')]),
          linearProcess('inner', [startEvent('i-start'), userTask('boom'), endEvent('i-end')]),
        ]),
      );
      await sql`CREATE OR REPLACE FUNCTION baton_test_crash() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.element_id = 'boom' THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN NEW; END $$`.execute(
        database.db,
      );
      await sql`CREATE TRIGGER baton_test_crash BEFORE INSERT ON user_tasks FOR EACH ROW EXECUTE FUNCTION baton_test_crash()`.execute(
        database.db,
      );
      try {
        // when the parent starts (its row is written before the child's effects fail)
        const attempt = engine.startInstance({ processId: 'outer' }, SYSTEM);
        // then the command fails and nothing of it remains
        await expect(attempt).rejects.toThrow(/simulated crash/);
        const counts = await sql<{ instances: string; history: string; tasks: string }>`
          SELECT (SELECT count(*) FROM instances) AS instances, (SELECT count(*) FROM history) AS history,
            (SELECT count(*) FROM user_tasks) AS tasks`.execute(database.db);
        const row = counts.rows[0];
        expect([row?.instances, row?.history, row?.tasks].map(Number)).toEqual([0, 0, 0]);
      } finally {
        await sql`DROP TRIGGER baton_test_crash ON user_tasks`.execute(database.db);
      }
    });

    it.runIf(target.name === 'postgres')(
      'fires each of 1,000 due timers exactly once with two executors on one database',
      async () => {
        // given 1,000 instances waiting on a timer, and two engines (own pools) sharing one clock
        await truncateEngineTables(database);
        const clock = new VirtualClock(T0);
        const { engine: a } = await testEngine(await target.open({ poolSize: 4 }), {
          clock,
          workerId: 'executor-a',
        });
        const { engine: b } = await testEngine(await target.open({ poolSize: 4 }), {
          clock,
          workerId: 'executor-b',
        });
        await a.deploy(
          bpmnFile([linearProcess('tick', [startEvent(), timerCatch('wait', 'PT5M'), endEvent()])]),
        );
        for (let i = 0; i < 1000; i += 50) {
          await Promise.all(Array.from({ length: 50 }, () => a.startInstance({ processId: 'tick' }, SYSTEM)));
        }
        clock.advance(5 * 60_000);
        // when both executors run concurrently until nothing is due
        const [ranA, ranB] = await Promise.all([a.runDueJobs({ limit: 20 }), b.runDueJobs({ limit: 20 })]);
        // then every timer fired once: 1,000 completions of the timer, one per instance, none left
        expect(ranA + ranB).toBe(1000);
        expect(ranA).toBeGreaterThan(0);
        expect(ranB).toBeGreaterThan(0);
        const fired = await sql<{ instance_id: string; n: string }>`
          SELECT instance_id, count(*) AS n FROM history WHERE type = 'element.completed' AND element_id = 'wait'
          GROUP BY instance_id`.execute(database.db);
        expect(fired.rows).toHaveLength(1000);
        expect(fired.rows.every((row) => Number(row.n) === 1)).toBe(true);
        const left = await sql<{ active: string; jobs: string }>`
          SELECT (SELECT count(*) FROM instances WHERE status <> 'completed') AS active, (SELECT count(*) FROM jobs) AS jobs`.execute(
          database.db,
        );
        expect([left.rows[0]?.active, left.rows[0]?.jobs].map(Number)).toEqual([0, 0]);
      },
      120_000,
    );
  });
});
