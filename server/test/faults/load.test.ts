import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServerProcess } from '../support/server-process.js';
import { ADMIN_PASSWORD, bearerFor, call, createDatabase, serverEnv } from './support/cluster.js';
import { checkInvariants } from './support/invariants.js';

// "A few minutes" of sustained load, as the reliability promise says; BATON_LOAD_SECONDS shortens it.
const SECONDS = Number(process.env.BATON_LOAD_SECONDS ?? 180);
const CONNECTIONS = 64;
const WARMUP_SECONDS = Math.min(15, SECONDS / 4);
const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';
/** A draft the owner hands off to a peer who completes it, then a review back with the owner. */
const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d-load" targetNamespace="urn:test">
  <bpmn:process id="load" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="draft" name="Draft"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="=owner" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:userTask id="review" name="Review"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="=owner" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="draft" />
    <bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="review" />
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

type Kind = 'start' | 'inbox' | 'handoff' | 'complete';

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

describe(`sustained mixed load: ${CONNECTIONS} connections for ${SECONDS} s`, () => {
  let database: { url: string; drop(): Promise<void> };
  let server: RunningServer;

  beforeAll(async () => {
    database = await createDatabase();
    server = await startServerProcess(serverEnv(database.url), 120_000);
  });
  afterAll(async () => {
    await server?.stop('SIGTERM').catch(() => undefined);
    await database?.drop();
  });

  it('serves starts, inbox listings, handoffs and completions with zero errors and flat memory', async () => {
    // given one user per connection, each with a token
    const base = server.url;
    const admin = await bearerFor(base, 'admin', ADMIN_PASSWORD);
    expect((await call(base, 'POST', '/api/definitions', admin, { xml: PROCESS })).status).toBe(201);
    const users: { name: string; headers: Record<string, string> }[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const name = `user${i}`;
      const created = await call(base, 'POST', '/api/users', admin, {
        username: name,
        password: 'load-password-1',
        roles: ['staff'],
      });
      expect(created.status, created.text).toBe(201);
      users.push({ name, headers: await bearerFor(base, name, 'load-password-1') });
    }

    // when every connection works its inbox as fast as it can
    const latencies: Record<Kind, number[]> = { start: [], inbox: [], handoff: [], complete: [] };
    const errors: string[] = [];
    const rss: { at: number; mb: number }[] = [];
    const pid = server.child.pid!;
    const t0 = performance.now();
    const end = t0 + SECONDS * 1000;
    const sampler = setInterval(
      () => rss.push({ at: (performance.now() - t0) / 1000, mb: rssMb(pid) }),
      1000,
    );
    const timed = async (
      kind: Kind,
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: unknown,
    ) => {
      const started = performance.now();
      const res = await call(base, method, path, headers, body);
      if (started - t0 > WARMUP_SECONDS * 1000) latencies[kind].push(performance.now() - started);
      if (res.status < 200 || res.status >= 300)
        errors.push(`${kind} ${res.status} ${res.text.slice(0, 200)}`);
      return res;
    };
    await Promise.all(
      users.map(async (me, i) => {
        const peer = users[(i + 1) % users.length]!;
        const mine = new Set<string>();
        while (performance.now() < end) {
          const started = await timed('start', 'POST', '/api/instances', me.headers, {
            processId: 'load',
            variables: { owner: me.name },
          });
          if (started.status === 201) mine.add((started.json as { id: string }).id);
          const inbox = await timed(
            'inbox',
            'GET',
            '/api/tasks?scope=mine&limit=10&sort=created',
            me.headers,
          );
          const tasks =
            inbox.status === 200
              ? (inbox.json as { items: { id: string; elementId: string; instanceId: string }[] }).items
              : [];
          for (const task of tasks.slice(0, 3)) {
            if (task.elementId === 'draft' && mine.has(task.instanceId)) {
              await timed('handoff', 'POST', `/api/tasks/${task.id}/handoff`, me.headers, {
                toUser: peer.name,
                reason: 'load',
              });
            } else {
              await timed('complete', 'POST', `/api/tasks/${task.id}/complete`, me.headers, {
                variables: { ok: true },
              });
              if (task.elementId === 'review') mine.delete(task.instanceId);
            }
          }
        }
      }),
    );
    clearInterval(sampler);

    // then
    const summary = Object.fromEntries(
      (Object.entries(latencies) as [Kind, number[]][]).map(([kind, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return [
          kind,
          {
            count: sorted.length,
            p50: Math.round(percentile(sorted, 0.5)),
            p99: Math.round(percentile(sorted, 0.99)),
          },
        ];
      }),
    );
    const measured = rss.filter((s) => s.at > WARMUP_SECONDS);
    const third = Math.max(1, Math.floor(measured.length / 3));
    const firstThird = mean(measured.slice(0, third).map((s) => s.mb));
    const lastThird = mean(measured.slice(-third).map((s) => s.mb));
    const requests = Object.values(latencies).reduce((n, l) => n + l.length, 0);
    console.log(
      JSON.stringify({
        seconds: SECONDS,
        connections: CONNECTIONS,
        requestsPerSecond: Math.round(requests / (SECONDS - WARMUP_SECONDS)),
        errors: errors.length,
        latencyMs: summary,
        rssMb: {
          firstThird: Math.round(firstThird),
          lastThird: Math.round(lastThird),
          max: Math.round(Math.max(...rss.map((s) => s.mb))),
        },
      }),
    );
    expect(errors.slice(0, 10)).toEqual([]);
    expect(summary.complete?.count).toBeGreaterThan(0);
    // Flat: the last third of the run may not sit more than 15% (and 40 MB) above the first.
    expect(lastThird).toBeLessThan(Math.max(firstThird * 1.15, firstThird + 40));
    expect(await checkInvariants(database.url)).toEqual([]);
  });
});
