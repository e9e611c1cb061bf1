import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { systemIdentity } from '../../src/identity.js';
import { threeStepProcess } from '../support/bpmn.js';
import { databases, type TestDatabase } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';
import { hasPgBouncer, type RunningPgBouncer, startPgBouncer } from '../support/pgbouncer.js';

const postgres = databases().find((target) => target.name === 'postgres');

/** PostgreSQL behind PgBouncer in transaction mode: 8 engine connections share 2 server connections. */
describe.skipIf(postgres === undefined || !hasPgBouncer)(
  'the engine behind PgBouncer in transaction mode',
  () => {
    const target = postgres as TestDatabase;
    let bouncer: RunningPgBouncer;
    let pooled: Database;
    let engine: Engine;
    beforeAll(async () => {
      const direct = await target.open();
      await testEngine(direct); // creates the tables on the direct connection
      const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(direct.db);
      bouncer = await startPgBouncer(process.env.DATABASE_URL ?? '', 2);
      pooled = await openDatabase({ url: bouncer.url(rows[0]!.name), pooler: 'transaction', poolSize: 8 });
      ({ engine } = await testEngine(pooled));
      await engine.deploy(threeStepProcess());
    });
    afterAll(async () => {
      await pooled?.close();
      await bouncer?.stop();
      await target.dispose();
    });

    it('runs concurrent instances to the end, each command one transaction on whichever connection', async () => {
      // given 16 instances run at once, each through its three tasks
      const users = ['ann', 'lena', 'carl'];
      const finished = await Promise.all(
        Array.from({ length: 16 }, async () => {
          const instance = await engine.startInstance({ processId: 'three-steps' }, systemIdentity('ann'));
          for (const user of users) {
            const task = await onlyOpenTask(engine, instance.id);
            await engine.completeTask(task.id, { by: user }, systemIdentity(user));
          }
          return (await engine.getInstance(instance.id)).status;
        }),
      );
      // then every one completed
      expect(finished).toEqual(Array(16).fill('completed'));
    });

    it('still lets exactly one of two racing completions win', async () => {
      const instance = await engine.startInstance({ processId: 'three-steps' }, systemIdentity('ann'));
      const task = await onlyOpenTask(engine, instance.id);
      const outcomes = await Promise.allSettled([
        engine.completeTask(task.id, { n: 1 }, systemIdentity('ann')),
        engine.completeTask(task.id, { n: 2 }, systemIdentity('ann')),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect((await engine.getHistory(instance.id)).filter((e) => e.type === 'task.completed')).toHaveLength(
        1,
      );
    });
  },
);
