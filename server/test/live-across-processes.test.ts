import type { AddressInfo } from 'node:net';
import { createEngine, type Database, type Engine, openDatabase, systemIdentity } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { serverConfig } from '../src/config.js';
import { announceProcess, expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { readUntil } from './support/sse.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Two server processes on one PostgreSQL: app A and app B, each with its own engine and pool. */
describe.skipIf(!process.env.DATABASE_URL)('live updates across server processes on PostgreSQL', () => {
  let a: TestApp;
  let bDatabase: Database;
  let bEngine: Engine;
  let b: FastifyInstance;
  const base: Record<'a' | 'b', string> = { a: '', b: '' };
  beforeAll(async () => {
    a = await createTestApp({ dialect: 'postgres' });
    bDatabase = await openDatabase({ url: a.url });
    bEngine = await createEngine({ database: bDatabase, clock: a.clock });
    b = await buildApp({
      engine: bEngine,
      db: bDatabase.db,
      config: serverConfig(),
      databaseUrl: a.url,
    });
    await a.createUser({ username: 'sam', roles: ['staff'], groups: ['staff'] });
    await a.createUser({ username: 'lee', roles: ['staff'], groups: ['leads'] });
    await a.createUser({ username: 'ada', roles: ['admin'] });
    await a.saveForm('expense-start', startFormSchema);
    await a.saveForm('expense-review', reviewFormSchema);
    await a.engine.deploy(expenseProcess());
    await a.engine.deploy(announceProcess('announce', '=["sam"]', '=[]'));
    await a.app.listen({ port: 0, host: '127.0.0.1' });
    await b.listen({ port: 0, host: '127.0.0.1' });
    base.a = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
    base.b = `http://127.0.0.1:${(b.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await b?.close();
    await bEngine?.close();
    await bDatabase?.close();
    await a?.close();
  });

  /** Signs in through app A (sessions live in the shared database) and opens a stream on `app`. */
  async function stream(app: 'a' | 'b', username: string) {
    const session = await a.login(username);
    const res = await fetch(`${base[app]}/api/events`, { headers: { cookie: session.headers.cookie ?? '' } });
    const reader = res.body!.getReader();
    await readUntil(reader, 'connected', 2000);
    return reader;
  }

  it('delivers a change made through app A to the event stream of app B, as each user may see it', async () => {
    // given
    const adminOnB = await stream('b', 'ada');
    const samOnB = await stream('b', 'sam');
    const leeOnB = await stream('b', 'lee');
    const sam = await a.login('sam');
    // when: sam starts an instance through app A; its first task is for the staff group
    const started = await a.call(sam, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'expense', variables: { title: 'Taxi', amount: 3 } },
    });
    const instanceId = started.json().id as string;
    // then
    const adminText = await readUntil(adminOnB, 'event: task', 5000);
    const samText = await readUntil(samOnB, 'event: task', 5000);
    const leeText = await readUntil(leeOnB, 'event: task', 500);
    expect(adminText).toContain(`"instanceId":"${instanceId}"`);
    expect(samText).toContain('"change":"created"');
    expect(leeText).not.toContain('event: task');
    for (const r of [adminOnB, samOnB, leeOnB]) await r.cancel();
  });

  it('delivers a notification recorded by app A to its recipient on app B', async () => {
    // given
    const samOnB = await stream('b', 'sam');
    // when: app A's executor runs the send task
    await a.engine.startInstance({ processId: 'announce' }, systemIdentity('ada'));
    await a.engine.runDueJobs();
    // then
    const text = await readUntil(samOnB, 'event: notification', 5000);
    expect(text).toContain('"subject":"The plan is out"');
    await samOnB.cancel();
  });

  it('shows a process its own changes once, not again from the database', async () => {
    // given
    const adminOnA = await stream('a', 'ada');
    // when
    const instance = await a.engine.startInstance(
      {
        processId: 'expense',
        variables: { title: 'Bus', amount: 2 },
      },
      systemIdentity('ada'),
    );
    // then: after the relay had time to echo, the task's creation appears exactly once
    const text = await readUntil(adminOnA, 'never-appears', 1500);
    const created = text
      .split('\n')
      .filter((line) => line.includes(`"instanceId":"${instance.id}"`) && line.includes('"kind":"task"'));
    expect(created).toHaveLength(1);
    await adminOnA.cancel();
  });
});
