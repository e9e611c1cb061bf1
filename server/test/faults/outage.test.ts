import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServerProcess } from '../support/server-process.js';
import { ADMIN_PASSWORD, bearerFor, call, serverEnv, sleep, staffUser } from './support/cluster.js';
import { checkInvariants } from './support/invariants.js';
import { type OutageCluster, openOutageCluster } from './support/pg-cluster.js';

const OUTAGE_MS = 5_000;
const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';
/** start -> user task -> one-second timer -> end: the executor has work across the outage. */
const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d-outage" targetNamespace="urn:test">
  <bpmn:process id="outage" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="approve"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="crew" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="pause" />
    <bpmn:sequenceFlow id="f3" sourceRef="pause" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** The last few log lines, without the executor's repeated "claim failed" noise. */
function lastLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.includes('claim failed'))
    .slice(-15)
    .join('\n');
}

interface Outcome {
  readonly at: number;
  readonly status: number;
  readonly code?: string;
  readonly what: 'start' | 'inbox' | 'complete';
  readonly id?: string;
}

describe('database outage under load', () => {
  let cluster: OutageCluster;
  let databaseUrl: string;
  let server: RunningServer | undefined;
  let stderr = '';
  let exited: string | undefined;

  beforeAll(async () => {
    cluster = openOutageCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE baton_outage');
    await admin.end();
    const url = new URL(cluster.url);
    url.pathname = '/baton_outage';
    databaseUrl = url.toString();
    server = await startServerProcess(serverEnv(databaseUrl), 120_000);
    server.child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    server.child.on('exit', (code, signal) => {
      exited = `exited with ${code ?? signal}`;
    });
  });

  afterAll(async () => {
    // PostgreSQL comes back whatever happened above.
    cluster?.cleanUp();
    await server?.stop('SIGTERM').catch(() => undefined);
  });

  it('answers 503 with Retry-After while PostgreSQL is down, recovers alone, and loses nothing', async () => {
    // given steady traffic: starts, inbox listings and completions
    const base = server!.url;
    const admin = await bearerFor(base, 'admin', ADMIN_PASSWORD);
    expect((await call(base, 'POST', '/api/definitions', admin, { xml: PROCESS })).status).toBe(201);
    const staff = await staffUser(base, admin, 'crew-member', 'crew');
    const outcomes: Outcome[] = [];
    const t0 = performance.now();
    const record = (what: Outcome['what'], res: Awaited<ReturnType<typeof call>>, id?: string) => {
      const problem = res.json as { code?: string } | null;
      outcomes.push({
        at: performance.now() - t0,
        status: res.status,
        code: problem?.code,
        what,
        ...(id ? { id } : {}),
      });
    };
    let running = true;
    const started: string[] = [];
    const completed: string[] = [];
    const clients = Array.from({ length: 8 }, async (_, n) => {
      while (running) {
        const res = await call(base, 'POST', '/api/instances', admin, { processId: 'outage' }, 10_000);
        record('start', res);
        if (res.status === 201) started.push((res.json as { id: string }).id);
        const inbox = await call(base, 'GET', '/api/tasks?scope=claimable&limit=5', staff, undefined, 10_000);
        record('inbox', inbox);
        const items = inbox.status === 200 ? (inbox.json as { items: { id: string }[] }).items : [];
        const task = items[n % Math.max(1, items.length)];
        if (task) {
          const done = await call(
            base,
            'POST',
            `/api/tasks/${task.id}/complete`,
            staff,
            { variables: {} },
            10_000,
          );
          record('complete', done, task.id);
          if (done.status >= 200 && done.status < 300) completed.push(task.id);
        }
        await sleep(20);
      }
    });
    const probeRetryAfter = async () => {
      const res = await fetch(`${base}/api/tasks?scope=claimable`, { headers: staff });
      return { status: res.status, retryAfter: res.headers.get('retry-after') };
    };

    // when PostgreSQL stops for a few seconds and comes back
    await sleep(4_000);
    const stoppedAt = performance.now() - t0;
    cluster.stop();
    await sleep(1_000);
    const duringOutage = await probeRetryAfter().catch((error: unknown) => {
      throw new Error(
        `server unreachable during the outage (${exited ?? 'still running'}): ${String(error)}\n${lastLines(stderr)}`,
      );
    });
    await sleep(OUTAGE_MS - 1_000);
    cluster.start();
    const restartedAt = performance.now() - t0;
    await sleep(10_000);
    running = false;
    await Promise.all(clients);

    // then failures were clean 503s, the server recovered by itself, and every success is in the database
    const failures = outcomes.filter((o) => o.status >= 400 || o.status === 0);
    const firstSuccessAfter = outcomes.find((o) => o.at > restartedAt && o.status >= 200 && o.status < 300);
    const lateFailures = outcomes.filter(
      (o) => o.at > restartedAt + 5_000 && (o.status >= 500 || o.status === 0),
    );
    console.log(
      JSON.stringify({
        requests: outcomes.length,
        failures: failures.length,
        failureStatuses: [...new Set(failures.map((f) => `${f.status} ${f.code ?? ''}`))],
        outageMs: Math.round(restartedAt - stoppedAt),
        recoveredMsAfterRestart: firstSuccessAfter ? Math.round(firstSuccessAfter.at - restartedAt) : null,
      }),
    );
    expect(duringOutage.status).toBe(503);
    expect(duringOutage.retryAfter).not.toBeNull();
    expect(
      failures.filter((f) => f.status >= 500 && f.status !== 503),
      JSON.stringify(failures.slice(0, 5)),
    ).toEqual([]);
    // Both codes mean "the store is away, retry": the route layer's and the engine's own.
    const unavailable = new Set(['SERVICE_UNAVAILABLE', 'STORE_UNAVAILABLE']);
    expect(failures.filter((f) => f.status === 503 && !unavailable.has(f.code ?? ''))).toEqual([]);
    expect(failures.filter((f) => f.status === 0)).toEqual([]);
    expect(firstSuccessAfter).toBeDefined();
    expect(lateFailures).toEqual([]);
    expect((await call(base, 'GET', '/ready', {})).status).toBe(200);

    // nothing acknowledged was lost; and the executor finishes the timers of completed tasks
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const known = await client.query<{ id: string }>('select id from instances where id = any($1::uuid[])', [
      started,
    ]);
    expect(known.rowCount).toBe(started.length);
    const done = await client.query<{ state: string }>(
      'select state from user_tasks where id = any($1::uuid[])',
      [completed],
    );
    expect(done.rows.every((r) => r.state === 'completed')).toBe(true);
    let waiting = 1;
    for (let i = 0; i < 60 && waiting > 0; i++) {
      const { rows } = await client.query<{ n: string }>(
        `select count(*) as n from instances i where status = 'active' and not exists
          (select 1 from user_tasks u where u.instance_id = i.id and u.state = 'created')`,
      );
      waiting = Number(rows[0]?.n);
      if (waiting > 0) await sleep(1_000);
    }
    await client.end();
    expect(waiting).toBe(0);
    expect(await checkInvariants(databaseUrl)).toEqual([]);
  });
});
