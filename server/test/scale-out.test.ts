import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPgBouncer, type RunningPgBouncer, startPgBouncer } from '../../engine/test/support/pgbouncer.js';
import { openTestDatabase } from './support/databases.js';
import { type RunningServer, startServerProcess } from './support/server-process.js';

/** Start -> a one-second timer -> a user task for the admin -> end. */
const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-spread" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="spread" name="Spread" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="confirm" name="Confirm">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition assignee="admin" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="confirm" />
    <bpmn:sequenceFlow id="f3" sourceRef="confirm" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

const INSTANCES = 30;

/**
 * The scale-out story, end to end: three stateless server processes, each running its job executor,
 * on one PostgreSQL database, with requests spread across them as a load balancer would.
 */
describe.each([
  { through: 'directly', bouncer: false },
  { through: 'through PgBouncer in transaction mode', bouncer: true },
])('three server processes on one PostgreSQL, $through', ({ bouncer }) => {
  let servers: RunningServer[] = [];
  let drop: () => Promise<void> = async () => {};
  let pooler: RunningPgBouncer | undefined;
  let token = '';
  const runs = process.env.DATABASE_URL !== undefined && (!bouncer || hasPgBouncer);
  beforeAll(async () => {
    if (!runs) return;
    const opened = await openTestDatabase('postgres');
    drop = opened.drop;
    const env: Record<string, string> = {
      DATABASE_URL: opened.url!,
      BATON_ADMIN_PASSWORD: 'admin-secret-pw',
    };
    if (bouncer) {
      // Commands go through the pooler (two server connections for all three servers); live
      // updates LISTEN on a direct connection, which a transaction-mode pooler cannot keep.
      pooler = await startPgBouncer(opened.url!, 2);
      env.DATABASE_URL = pooler.url(new URL(opened.url!).pathname.slice(1));
      env.BATON_DB_POOLER = 'transaction';
      env.BATON_LISTEN_DATABASE_URL = opened.url!;
    }
    servers = await Promise.all([startServerProcess(env), startServerProcess(env), startServerProcess(env)]);
    // a session on the first server makes an API token that every server accepts
    const login = await fetch(`${servers[0]!.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-secret-pw' }),
    });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const created = await fetch(`${servers[0]!.url}/api/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'load', scopes: ['read', 'tasks', 'start', 'manage', 'deploy'] }),
    });
    token = ((await created.json()) as { token: string }).token;
  }, 180_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await pooler?.stop();
    await drop();
  });

  /** One request to the i-th server (round robin), as a load balancer would spread them. */
  const call = async (i: number, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${servers[i % servers.length]!.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  const openTasks = async () =>
    (await call(0, 'GET', '/api/tasks?scope=all&processId=spread&limit=100')).json.items as { id: string }[];

  it.runIf(runs)(
    'runs a mixed load spread over them: every timer fires once, every instance finishes, one of two racing completions wins',
    async () => {
      // given the process deployed through one server and instances started through all three
      expect((await call(1, 'POST', '/api/definitions', { xml: PROCESS })).status).toBe(201);
      const started = await Promise.all(
        Array.from({ length: INSTANCES }, (_, i) =>
          call(i, 'POST', '/api/instances', { processId: 'spread' }),
        ),
      );
      expect(started.map((r) => r.status)).toEqual(Array(INSTANCES).fill(201));
      const ids = started.map((r) => r.json.id as string);
      // when the three executors fire the timers, every instance reaches its task
      await expect
        .poll(async () => (await openTasks()).length, { timeout: 30_000, interval: 250 })
        .toBe(INSTANCES);
      const tasks = await openTasks();
      // and two servers complete the same task at the same moment: exactly one wins
      const race = await Promise.all([
        call(0, 'POST', `/api/tasks/${tasks[0]!.id}/complete`, { variables: {} }),
        call(1, 'POST', `/api/tasks/${tasks[0]!.id}/complete`, { variables: {} }),
      ]);
      expect(race.map((r) => r.status).sort()).toEqual([204, 409]);
      // and the others are completed through whichever server the balancer picks
      const rest = await Promise.all(
        tasks
          .slice(1)
          .map((task, i) => call(i + 2, 'POST', `/api/tasks/${task.id}/complete`, { variables: {} })),
      );
      expect(rest.every((r) => r.status === 204)).toBe(true);
      // then every instance has finished, and each timer fired exactly once across the three executors
      const done = await call(2, 'GET', '/api/instances?processId=spread&status=completed&limit=100');
      expect(done.json.total).toBe(INSTANCES);
      const histories = await Promise.all(ids.map((id, i) => call(i, 'GET', `/api/instances/${id}/history`)));
      const fired = histories.map(
        (h) =>
          (h.json.items as { type: string; elementId: string }[]).filter(
            (e) => e.type === 'element.completed' && e.elementId === 'wait',
          ).length,
      );
      expect(fired).toEqual(Array(INSTANCES).fill(1));
    },
    120_000,
  );
});
