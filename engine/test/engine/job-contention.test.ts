import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  serviceFanOut,
  serviceTask,
  startEvent,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { T0, testEngine } from '../support/engines.js';
import { SYSTEM, systemIdentity } from '../../src/identity.js';

const BRANCHES = 10;
const ENGINES = 8;
const INSTANCES = 8;
const FILLER_JOBS = 100_000;

/** A fork into ten service tasks of one type, a join, then a user task. */
const fanOutProcess = bpmnFile([
  serviceFanOut('fan', { branches: BRANCHES, jobType: 'work', after: [userTask('check')] }),
]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts UPDATE statements on `instances` that changed no row: each is a lost optimistic version
 * check. Sequences ignore rollbacks, so a conflict counts even though its transaction is undone.
 * Returns the counter and a function that removes it.
 */
async function watchLostVersionChecks(database: Database) {
  await sql`CREATE SEQUENCE baton_test_statements`.execute(database.db);
  await sql`CREATE SEQUENCE baton_test_rows`.execute(database.db);
  await sql`CREATE FUNCTION baton_test_count_statement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM nextval('baton_test_statements'); RETURN NULL; END $$`.execute(database.db);
  await sql`CREATE FUNCTION baton_test_count_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM nextval('baton_test_rows'); RETURN NULL; END $$`.execute(database.db);
  await sql`CREATE TRIGGER baton_test_statements AFTER UPDATE ON instances
    FOR EACH STATEMENT EXECUTE FUNCTION baton_test_count_statement()`.execute(database.db);
  await sql`CREATE TRIGGER baton_test_rows AFTER UPDATE ON instances
    FOR EACH ROW EXECUTE FUNCTION baton_test_count_row()`.execute(database.db);
  const used = async (sequence: string) => {
    const { rows } = await sql<{ n: string }>`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n
      FROM ${sql.table(sequence)}`.execute(database.db);
    return Number(rows[0]?.n ?? 0);
  };
  return {
    lost: async () => (await used('baton_test_statements')) - (await used('baton_test_rows')),
    async remove() {
      await sql`DROP TRIGGER baton_test_statements ON instances`.execute(database.db);
      await sql`DROP TRIGGER baton_test_rows ON instances`.execute(database.db);
      await sql`DROP FUNCTION baton_test_count_statement, baton_test_count_row`.execute(database.db);
      await sql`DROP SEQUENCE baton_test_statements, baton_test_rows`.execute(database.db);
    },
  };
}

describe.each(databases())('jobs under contention on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
  });

  it('finishes sibling branches reported at once by several engines without spending retries', async () => {
    // given instances whose ten parallel service tasks are due, and several engines (own pools on
    // PostgreSQL) that each run one job at a time, like executors of several processes
    await engine.deploy(fanOutProcess);
    const engines: Engine[] = [];
    for (let i = 0; i < ENGINES; i++) {
      const own = target.name === 'postgres' ? await target.open({ poolSize: 2 }) : database;
      const { engine: worker } = await testEngine(own, { workerId: `worker-${i}` });
      // Handlers take a moment, as real ones do, so reports of sibling branches overlap.
      worker.registerHandler('work', async () => {
        await sleep(Math.random() * 3);
        return {};
      });
      engines.push(worker);
    }
    const instances = [];
    for (let i = 0; i < INSTANCES; i++)
      instances.push(await engine.startInstance({ processId: 'fan' }, SYSTEM));
    const versionChecks = await watchLostVersionChecks(database);
    try {
      // when they all drain the queue at once
      await Promise.all(
        engines.map(async (worker) => {
          while ((await worker.runDueJobs({ limit: 1 })) > 0) {}
        }),
      );
      // then every instance went through the join, and no job waits out a backoff (a report
      // that failed would leave its job in the table, due later)
      for (const instance of instances) {
        expect((await engine.getInstance(instance.id)).activeElements).toEqual({ check: 1 });
      }
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM jobs`.execute(database.db);
      expect(Number(rows[0]?.n)).toBe(0);
      // and each report lost at most one version check: its one-statement write, when the engine
      // had written the instance before and another engine wrote it since; then it waited on the
      // instance's row lock instead of losing again (purely optimistic retries lost up to five
      // times in a row here)
      expect(await versionChecks.lost()).toBeLessThanOrEqual(INSTANCES * BRANCHES);
    } finally {
      await versionChecks.remove();
    }
  });

  it('makes commands on one instance wait for each other instead of losing version checks', async () => {
    // given an instance and a second engine on the same database
    await engine.deploy(bpmnFile([linearProcess('one', [startEvent(), userTask('wait'), endEvent()])]));
    const instance = await engine.startInstance({ processId: 'one' }, SYSTEM);
    const versionChecks = await watchLostVersionChecks(database);
    try {
      const other = await testEngine(
        target.name === 'postgres' ? await target.open({ poolSize: 2 }) : database,
      );
      // when three commands change it at once (PGlite runs them one after the other)
      const writes = [
        engine.setVariables(instance.id, { first: 1 }, systemIdentity('ann')),
        other.engine.setVariables(instance.id, { second: 2 }, systemIdentity('bob')),
        engine.setVariables(instance.id, { third: 3 }, systemIdentity('carl')),
      ];
      await Promise.all(writes);
      // then each waited for the one before and lost no version check
      const detail = await engine.getInstance(instance.id);
      expect(detail.variables).toMatchObject({ first: 1, second: 2, third: 3 });
      expect(detail.revision).toBe(4);
      expect(await versionChecks.lost()).toBe(0);
    } finally {
      await versionChecks.remove();
    }
  });

  it('wakes a running executor for a job created while it was looking for work', async () => {
    // given a background executor that would otherwise poll only once a minute
    await engine.deploy(
      bpmnFile([
        linearProcess('one', [startEvent(), serviceTask('do', 'quick'), userTask('after'), endEvent()]),
      ]),
    );
    // Leased jobs of the same type make every claim scan a while: a window for the race.
    const definition = await engine.getLatestDefinition('one');
    await sql`INSERT INTO jobs (id, definition_id, element_id, kind, job_type, due_at, retries, max_retries,
        locked_by, locked_until, created_at)
      SELECT gen_random_uuid(), ${definition.id}::uuid, 'do', 'service', 'quick', ${T0}::timestamptz - interval '1 hour',
        3, 3, 'elsewhere', ${T0}::timestamptz + interval '1 day', ${T0}::timestamptz
      FROM generate_series(1, ${FILLER_JOBS}::int)`.execute(database.db);
    const handled = new Set<string>();
    engine.registerHandler('quick', (job) => {
      handled.add(job.instanceId ?? '');
      return {};
    });
    engine.startExecutor({ pollMs: 60_000 });
    try {
      for (let trial = 0; trial < 20; trial++) {
        // when the executor is woken to look for work (a new handler does that) and a command
        // creates a job at the same moment, so it commits while the executor's claim is in flight
        engine.registerHandler(`other-${trial}`, () => ({}));
        const instance = await engine.startInstance({ processId: 'one' }, SYSTEM);
        // then the executor runs the job at once, not a poll interval later
        for (let waited = 0; waited < 40 && !handled.has(instance.id); waited++) await sleep(25);
        expect(handled.has(instance.id), `trial ${trial}`).toBe(true);
      }
    } finally {
      await engine.stopExecutor();
    }
  });
});
