import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { readUntil } from './support/sse.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';
import { SYSTEM, systemIdentity } from '@baton/engine';

describe('OpenAPI document, metrics and the event stream', () => {
  let t: TestApp;
  let sam: Session;
  let lee: Session;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp();
    sam = await t.userSession('sam', ['staff'], ['staff']);
    lee = await t.userSession('lee', ['staff'], ['leads']);
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    await t.engine.deploy(expenseProcess());
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t?.close());

  it('serves an OpenAPI 3.1 document with every API route and named schemas', async () => {
    // when
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    // then
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/tasks/{id}/complete',
        '/api/forms',
        '/api/instances',
        '/api/notifications',
        '/api/notifications/{id}/read',
        '/api/processes/{processId}/managers',
        '/api/processes/{processId}/starters',
      ]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['task', 'problem', 'instanceDetail', 'notificationList', 'processGroups']),
    );
  });

  it('counts requests in Prometheus text for an API token', async () => {
    // given
    const token = (
      await t.call(sam, { method: 'POST', url: '/api/tokens', payload: { name: 'prom', scopes: ['read'] } })
    ).json().token;
    // when
    const res = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    // then
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('baton_http_requests_total{method="POST",route="/api/tokens",status="201"} 1');
    expect(res.body).toContain('process_resident_memory_bytes');
    expect(res.body).toContain('baton_instances_active 0');
  });

  it('sets security headers on every answer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('streams the task changes a user may see, and not the others', async () => {
    // given
    const open = (s: Session) =>
      fetch(`${base}/api/events`, { headers: { cookie: s.headers.cookie ?? '' } }).then((r) =>
        r.body!.getReader(),
      );
    const samStream = await open(sam);
    const leeStream = await open(lee);
    const read = async (reader: ReadableStreamDefaultReader<Uint8Array>, until: string, ms: number) => {
      let text = '';
      const deadline = Date.now() + ms;
      while (!text.includes(until) && Date.now() < deadline) {
        const chunk = await Promise.race([
          reader.read(),
          new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now())),
        ]);
        if (!chunk || chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      return text;
    };
    await read(samStream, 'connected', 2000);
    await read(leeStream, 'connected', 2000);
    // when
    await t.call(sam, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'expense', variables: { title: 'a', amount: 1 } },
    });
    // then
    const samText = await read(samStream, 'event: task', 3000);
    const leeText = await read(leeStream, 'event: task', 500);
    expect(samText).toContain('event: task');
    expect(leeText).not.toContain('event: task');
    await samStream.cancel();
    await leeStream.cancel();
  });
  it('streams a manager the processes they manage only', async () => {
    // given: "expense" is managed by the group "managers"
    await t.createUser({ username: 'maya', roles: ['manager'], groups: ['managers'] });
    await t.createUser({ username: 'mo', roles: ['manager'], groups: ['ops'] });
    await t.engine.setProcessAccess('expense', 'managers', ['managers'], SYSTEM);
    const open = async (username: string) => {
      const s = await t.login(username);
      const res = await fetch(`${base}/api/events`, { headers: { cookie: s.headers.cookie ?? '' } });
      const reader = res.body!.getReader();
      await readUntil(reader, 'connected', 2000);
      return reader;
    };
    const mayaStream = await open('maya');
    const moStream = await open('mo');
    // when
    await t.engine.startInstance(
      {
        processId: 'expense',
        variables: { title: 'b', amount: 2 },
      },
      systemIdentity('ada'),
    );
    // then
    const mayaText = await readUntil(mayaStream, 'event: instance', 3000);
    const moText = await readUntil(moStream, 'event:', 800);
    expect(mayaText).toContain('event: task');
    expect(mayaText).toContain('event: instance');
    expect(moText).not.toContain('event:');
    await mayaStream.cancel();
    await moStream.cancel();
    await t.engine.setProcessAccess('expense', 'managers', [], SYSTEM);
  });
});
