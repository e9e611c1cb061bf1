import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSettings } from '../src/config.js';
import { type RunningServer, startServerProcess } from './support/server-process.js';

/** Start -> a user task for the admin -> end. */
const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-mirror" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="mirror" name="Mirror" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="confirm" name="Confirm">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition assignee="admin" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="confirm" />
    <bpmn:sequenceFlow id="f2" sourceRef="confirm" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

const PASSWORD = 'replica-admin-pw';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function adminQuery(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** Signs in as the admin and answers a caller for that server. */
async function signIn(base: string) {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several routes.
    return { status: res.status, json: (text ? JSON.parse(text) : null) as any };
  };
}

describe('DATABASE_REPLICA_URL settings', () => {
  it('takes the replica only with DATABASE_URL, and marks it ignored on the embedded database', () => {
    const replica = 'postgres://reader@standby:5432/baton';
    expect(
      databaseSettings({ DATABASE_URL: 'postgres://p/baton', DATABASE_REPLICA_URL: replica }),
    ).toMatchObject({ replicaUrl: replica, replicaIgnored: false });
    const embedded = databaseSettings({ DATABASE_REPLICA_URL: replica });
    expect(embedded.replicaUrl).toBeUndefined();
    expect(embedded.replicaIgnored).toBe(true);
    expect(databaseSettings({}).replicaIgnored).toBe(false);
  });

  it('starts on the embedded database with DATABASE_REPLICA_URL set, says it ignores it, and reports no replica', async () => {
    // given a real server process on PGlite, with a replica URL that would not even answer
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-replica-'));
    let server: RunningServer | undefined;
    try {
      server = await startServerProcess({
        DATA_DIR: dataDir,
        BATON_ADMIN_PASSWORD: PASSWORD,
        DATABASE_REPLICA_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/nowhere`,
      });
      // when it is asked whether it is ready
      const ready = await fetch(`${server.url}/ready`);
      // then it started, said why the variable does nothing, and has no replica
      expect(server.output()).toContain('DATABASE_REPLICA_URL ignored');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', replica: 'none' });
      const call = await signIn(server.url);
      expect((await call('GET', '/api/tasks')).status).toBe(200);
    } finally {
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

/**
 * The replica is a copy of the primary taken while no server ran (CREATE DATABASE … TEMPLATE);
 * after that only the primary changes, as a streaming replica that lags would look to a reader.
 */
describe.runIf(process.env.DATABASE_URL)('a server with DATABASE_REPLICA_URL (PostgreSQL only)', () => {
  const suffix = randomBytes(6).toString('hex');
  const primaryName = `baton_s_${suffix}`;
  const replicaName = `baton_sr_${suffix}`;
  const urlOf = (name: string) => {
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.pathname = `/${name}`;
    return url.toString();
  };
  const servers: RunningServer[] = [];
  let copiedTask = '';

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${primaryName}`);
    // given one open task for the admin, made through a server on the primary alone...
    const first = await startServerProcess({
      DATABASE_URL: urlOf(primaryName),
      BATON_ADMIN_PASSWORD: PASSWORD,
      BATON_NO_EXECUTOR: '1',
    });
    try {
      const call = await signIn(first.url);
      expect((await call('POST', '/api/definitions', { xml: PROCESS })).status).toBe(201);
      expect((await call('POST', '/api/instances', { processId: 'mirror' })).status).toBe(201);
      const inbox = await call('GET', '/api/tasks?processId=mirror');
      copiedTask = inbox.json.items[0].id;
    } finally {
      await first.stop();
    }
    // ...copied as it is to the replica (the copy needs its source without sessions: PostgreSQL
    // may take a moment to end the stopped server's)
    for (let attempt = 0; ; attempt++) {
      try {
        await adminQuery(`CREATE DATABASE ${replicaName} TEMPLATE ${primaryName}`);
        break;
      } catch (error) {
        if (attempt >= 20 || (error as { code?: string }).code !== '55006') throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await adminQuery(`DROP DATABASE IF EXISTS ${replicaName} WITH (FORCE)`);
    await adminQuery(`DROP DATABASE IF EXISTS ${primaryName} WITH (FORCE)`);
  });

  it('answers the inbox from the replica, completes and shows the task on the primary, and reports the replica ready', async () => {
    // given a server on the primary with the copy as its replica, and a second task on the primary only
    const server = await startServerProcess({
      DATABASE_URL: urlOf(primaryName),
      DATABASE_REPLICA_URL: urlOf(replicaName),
      BATON_NO_EXECUTOR: '1',
    });
    servers.push(server);
    expect(server.output()).toContain('lists read from the replica');
    const call = await signIn(server.url);
    expect((await call('POST', '/api/instances', { processId: 'mirror' })).status).toBe(201);
    // when the admin opens the inbox
    const inbox = await call('GET', '/api/tasks?processId=mirror');
    // then it is the replica's: the copied task alone, counted alone
    expect(inbox.json.items.map((t: { id: string }) => t.id)).toEqual([copiedTask]);
    expect(inbox.json.total).toBe(1);
    // when the admin completes the copied task and opens it
    expect((await call('POST', `/api/tasks/${copiedTask}/complete`, { variables: {} })).status).toBe(204);
    const opened = await call('GET', `/api/tasks/${copiedTask}`);
    // then the completion happened on the primary and the item view shows it at once...
    expect(opened.json.state).toBe('completed');
    // ...while the list still lags: the replica never took the completion (it is read-only)
    const after = await call('GET', '/api/tasks?processId=mirror');
    expect(after.json.items.map((t: { id: string }) => t.id)).toEqual([copiedTask]);
    const replica = new pg.Client({ connectionString: urlOf(replicaName) });
    await replica.connect();
    const { rows } = await replica.query('SELECT state FROM user_tasks WHERE id = $1', [copiedTask]);
    await replica.end();
    expect(rows).toEqual([{ state: 'created' }]);
    // and /ready names the replica as answering
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', replica: 'ready' });
  }, 120_000);

  it('serves the inbox from the primary while the replica is down, and /ready stays ready and says so', async () => {
    // given a server whose replica is a port nothing listens on
    const server = await startServerProcess({
      DATABASE_URL: urlOf(primaryName),
      DATABASE_REPLICA_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/nowhere`,
      BATON_NO_EXECUTOR: '1',
    });
    servers.push(server);
    const call = await signIn(server.url);
    // when the admin opens the inbox
    const inbox = await call('GET', '/api/tasks?processId=mirror');
    // then the primary answered (a replica read without a fallback would have failed the page)
    const primary = new pg.Client({ connectionString: urlOf(primaryName) });
    await primary.connect();
    const { rows } = await primary.query(`SELECT id FROM user_tasks WHERE state = 'created' ORDER BY id`);
    await primary.end();
    expect(inbox.status).toBe(200);
    expect(inbox.json.items.map((t: { id: string }) => t.id).sort()).toEqual(rows.map((r) => r.id));
    // and the server is ready, with its replica reported unavailable
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', replica: 'unavailable' });
  }, 120_000);
});
