import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { threeStepProcess } from '../support/bpmn.js';
import { databases, type TestDatabase } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';
import { systemIdentity } from '../../src/identity.js';

// PostgreSQL only: PGlite runs in the process, there is no server connection to lose.
const postgres = databases().find((target) => target.name === 'postgres');

describe.skipIf(postgres === undefined)('lost connections on postgres', () => {
  const target = postgres as TestDatabase;
  let database: Database;
  let engine: Engine;
  let admin: pg.Client;
  let databaseName: string;

  beforeAll(async () => {
    database = await target.open({ poolSize: 4 });
    ({ engine } = await testEngine(database));
    await engine.deploy(threeStepProcess());
    const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(database.db);
    databaseName = rows[0]?.name ?? '';
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await target.dispose();
  });

  /** Ends every server connection of the test database except the admin's, as a restart would. */
  const terminateConnections = () =>
    admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [databaseName],
    );

  /** Waits until the server holds no connection to the test database but the admin's, and the pool heard. */
  const untilNoConnectionsLeft = async () => {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [databaseName],
      );
      if (rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  };

  /** One caller's unit of work: start an instance and complete its first task. */
  const startAndComplete = async () => {
    const instance = await engine.startInstance({ processId: 'three-steps' }, systemIdentity('ann'));
    const task = await onlyOpenTask(engine, instance.id);
    await engine.completeTask(task.id, { done: true }, systemIdentity('ann'));
  };

  it('survives connections dropped mid-command: failures are StoreUnavailableError and later commands succeed', async () => {
    // given four callers running commands back to back, holding pool connections
    const failures: unknown[] = [];
    let successes = 0;
    let running = true;
    const callers = Array.from({ length: 4 }, async () => {
      while (running) {
        try {
          await startAndComplete();
          successes++;
        } catch (error) {
          failures.push(error);
        }
      }
    });
    // when the server ends every connection, again and again, while commands run
    for (let round = 0; round < 10; round++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      await terminateConnections();
    }
    running = false;
    await Promise.all(callers);
    // and the outage is over: a last round ends every connection, and the server has let them all go
    // (pg_terminate_backend only signals; until a backend exits, the pool may hand out its client)
    await terminateConnections();
    await untilNoConnectionsLeft();
    // then the process is still here, every failure says "the store is away, retry", and the
    // engine works again on the same pool without a restart
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((error) => !(error instanceof StoreUnavailableError))).toEqual([]);
    expect(successes).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) await startAndComplete();
    const { total } = await engine.listInstances({ processId: 'three-steps' });
    expect(total).toBeGreaterThanOrEqual(successes + 5);
  });

  /** A second connection to the test database holding an instance's row lock, so commands on it wait. */
  const lockInstanceElsewhere = async (instanceId: string) => {
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.pathname = `/${databaseName}`;
    const blocker = new pg.Client({ connectionString: url.toString() });
    blocker.on('error', () => {});
    await blocker.connect();
    const { rows } = await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM instances WHERE id = $1 FOR UPDATE', [instanceId]);
    return { blocker, pid: rows[0]?.pid ?? 0 };
  };
  const terminateAllBut = (pid: number) =>
    admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND pid <> $2',
      [databaseName, pid],
    );
  const moment = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('runs a command again on a fresh connection when its connection drops before anything committed', async () => {
    // given a command waiting inside its transaction for a row lock held elsewhere
    const instance = await engine.startInstance({ processId: 'three-steps' }, systemIdentity('ann'));
    const { blocker, pid } = await lockInstanceElsewhere(instance.id);
    const waiting = engine.setVariables(instance.id, { note: 'late' }, systemIdentity('ann'));
    await moment();
    // when the server ends the command's connection, and later the lock is released
    await terminateAllBut(pid);
    await moment();
    await blocker.query('ROLLBACK');
    await blocker.end();
    // then the command ran again on a new connection and took effect once
    await expect(waiting).resolves.toBeUndefined();
    expect((await engine.getInstance(instance.id)).variables).toMatchObject({ note: 'late' });
    expect((await engine.getHistory(instance.id)).filter((e) => e.type === 'variables.changed')).toHaveLength(
      1,
    );
  });

  it('fails a command as StoreUnavailableError when its connection keeps dropping, and works again after', async () => {
    // given a command waiting inside its transaction for a row lock held elsewhere
    const instance = await engine.startInstance({ processId: 'three-steps' }, systemIdentity('ann'));
    const { blocker, pid } = await lockInstanceElsewhere(instance.id);
    const outcome = engine
      .setVariables(instance.id, { note: 'lost' }, systemIdentity('ann'))
      .catch((error: unknown) => error);
    // when the server ends its connection again and again, each time it ran again
    for (let round = 0; round < 4; round++) {
      await moment();
      await terminateAllBut(pid);
    }
    // then it fails as retryable and changed nothing; once the server is usable the same call works
    expect(await outcome).toBeInstanceOf(StoreUnavailableError);
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect((await engine.getInstance(instance.id)).variables).not.toHaveProperty('note');
    await engine.setVariables(instance.id, { note: 'again' }, systemIdentity('ann'));
    expect((await engine.getInstance(instance.id)).variables).toMatchObject({ note: 'again' });
  });
});
