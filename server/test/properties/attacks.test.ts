import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.js';
import { SQL_META, XSS } from './support/arbitraries.js';
import { databaseFingerprint, type Harness, openHarness, PASSWORD } from './support/harness.js';
import { systemIdentity } from '@baton/engine';

const UUID = '00000000-0000-4000-8000-000000000000';
/** Routes anyone may call without signing in. */
const PUBLIC = new Set(['POST /api/auth/login']);

const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';

/** start -> user task for `group` -> end. */
function groupTaskProcess(processId: string, group: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d-${processId}" targetNamespace="urn:test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="work" name="Work for ${group}">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${group}" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
}

/** start -> script task computing `expression` into `result` -> a user task that holds the instance. */
function scriptProcess(processId: string, expression: string): string {
  const escaped = expression.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d-${processId}" targetNamespace="urn:test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:scriptTask id="script"><bpmn:extensionElements><zeebe:script expression="=${escaped}" resultVariable="result" /></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:userTask id="hold" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script" />
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="hold" />
    <bpmn:sequenceFlow id="f3" sourceRef="hold" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
}

describe.each(dialects())('attacks on %s', (dialect) => {
  let h: Harness;
  let admin: Record<string, string>;
  let staffA: Record<string, string>;
  let outsider: Record<string, string>;
  let staffTaskId: string;

  beforeAll(async () => {
    h = await openHarness(dialect, { loginRateLimit: { max: 5, timeWindowMs: 60_000 } });
    admin = (await h.tokenFor('root', ['admin'])).headers;
    staffA = (await h.tokenFor('alice', ['staff'], ['staff'])).headers;
    outsider = (await h.tokenFor('oscar', ['staff'], ['other-team'])).headers;
    await h.engine.deploy(groupTaskProcess('staff-work', 'staff'));
    const instance = await h.engine.startInstance({ processId: 'staff-work' }, systemIdentity('alice'));
    staffTaskId = (await h.engine.listTasks({ instanceId: instance.id })).items[0]!.id;
  });
  afterAll(async () => h?.close());

  it('answers every route without credentials with 401', async () => {
    const routes = h.app.routeList.filter(
      (r) => r.url.startsWith('/api/') && r.method !== 'HEAD' && !PUBLIC.has(`${r.method} ${r.url}`),
    );
    expect(routes.length).toBeGreaterThan(30);
    for (const route of routes) {
      const url = route.url.replace(/:[A-Za-z]+/g, UUID);
      const res = await h.inject({
        method: route.method as 'GET',
        url,
        ...(route.method === 'GET' ? {} : { payload: {} }),
      });
      expect(res.statusCode, `${route.method} ${url}`).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('refuses a forged or malformed bearer token', async () => {
    for (const authorization of [
      'Bearer bt_forged',
      'Bearer',
      'Basic cm9vdDpyb290',
      `Bearer ${"' OR 1=1 --"}`,
    ]) {
      const res = await h.inject({ method: 'GET', url: '/api/tasks', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
  });

  it('refuses the token and the session of a user once the user is deleted', async () => {
    // given a user with a token and a session
    const doomed = await h.tokenFor('doomed', ['staff'], ['staff']);
    const login = await h.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'doomed', password: PASSWORD },
    });
    const cookie = `baton_session=${login.cookies.find((c) => c.name === 'baton_session')?.value}`;
    expect((await h.inject({ method: 'GET', url: '/api/tasks', headers: doomed.headers })).statusCode).toBe(
      200,
    );
    // when the admin deletes the user
    const deleted = await h.inject({ method: 'DELETE', url: `/api/users/${doomed.userId}`, headers: admin });
    expect(deleted.statusCode).toBeLessThan(300);
    // then neither credential works any more
    expect((await h.inject({ method: 'GET', url: '/api/tasks', headers: doomed.headers })).statusCode).toBe(
      401,
    );
    expect((await h.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it("keeps another team's task out of reach: every task route answers 403 or 404 and nothing changes", async () => {
    const before = await databaseFingerprint(h.db);
    const attempts: [string, string, object | undefined][] = [
      ['GET', '', undefined],
      ['GET', '/history', undefined],
      ['POST', '/claim', undefined],
      ['POST', '/unclaim', undefined],
      ['POST', '/complete', { variables: {} }],
      ['POST', '/draft', { variables: { x: 1 } }],
      ['POST', '/handoff', { toUser: 'oscar', reason: 'mine now' }],
      ['POST', '/delegate', { toUser: 'oscar' }],
      ['POST', '/resolve', { variables: {} }],
      ['POST', '/return', { targetElementId: 'work', reason: 'x' }],
      ['POST', '/comments', { text: 'hello' }],
      ['POST', '/assign', { user: 'oscar' }],
    ];
    for (const [method, suffix, payload] of attempts) {
      const res = await h.inject({
        method: method as 'GET',
        url: `/api/tasks/${staffTaskId}${suffix}`,
        headers: outsider,
        ...(payload ? { payload } : {}),
      });
      expect([403, 404], `${method} ${suffix}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    }
    const inbox = await h.inject({ method: 'GET', url: '/api/tasks?scope=claimable', headers: outsider });
    expect(inbox.json().items.map((t: { id: string }) => t.id)).not.toContain(staffTaskId);
    expect(await databaseFingerprint(h.db)).toBe(before);
  });

  it('stores XSS payloads as text and returns them as inert JSON', async () => {
    for (const payload of XSS) {
      // given a comment, a display name and a business key carrying markup
      const comment = await h.inject({
        method: 'POST',
        url: `/api/tasks/${staffTaskId}/comments`,
        headers: staffA,
        payload: { text: payload },
      });
      expect(comment.statusCode, comment.body).toBeLessThan(300);
      const started = await h.inject({
        method: 'POST',
        url: '/api/instances',
        headers: admin,
        payload: { processId: 'staff-work', businessKey: payload, variables: { note: payload } },
      });
      expect(started.statusCode, started.body).toBeLessThan(300);
      // when they are read back
      const history = await h.inject({
        method: 'GET',
        url: `/api/tasks/${staffTaskId}/history`,
        headers: staffA,
      });
      const instance = await h.inject({
        method: 'GET',
        url: `/api/instances/${started.json().id}`,
        headers: admin,
      });
      // then they come back byte for byte, as JSON strings, never as HTML
      for (const res of [history, instance]) {
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
      expect(JSON.stringify(history.json())).toContain(JSON.stringify(payload).slice(1, -1));
      expect(instance.json().businessKey).toBe(payload);
      expect(instance.json().variables.note).toBe(payload);
    }
  });

  it('treats SQL meta-characters in every filter as plain text', async () => {
    const filters = [
      '/api/tasks?scope=all&q=',
      '/api/tasks?scope=mine&q=',
      '/api/instances?q=',
      '/api/users?q=',
      '/api/forms?q=',
      '/api/definitions?processId=',
      '/api/instances?processId=',
      '/api/tasks?processId=',
      '/api/incidents?instanceId=',
    ];
    for (const filter of filters) {
      for (const meta of SQL_META) {
        const res = await h.inject({ method: 'GET', url: filter + encodeURIComponent(meta), headers: admin });
        // A filter that only takes slugs or ids may refuse the value; one that takes text must search for it.
        expect([200, 400], `${filter}${meta}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
        if (res.statusCode === 200 && filter.endsWith('q=')) {
          // A text search finds the characters literally: a row without them means a wildcard or an injection.
          const literal = JSON.stringify(meta).slice(1, -1);
          for (const item of res.json().items as unknown[]) {
            expect(JSON.stringify(item), `${filter}${meta}`).toContain(literal);
          }
        }
      }
    }
    expect(
      (await h.inject({ method: 'GET', url: '/api/users', headers: admin })).json().items.length,
    ).toBeGreaterThan(0);
  });

  it.each([
    'process',
    'process.env',
    'require("child_process")',
    'globalThis',
    'this',
    'constructor',
    '__proto__',
    'x.constructor',
    'x.__proto__',
    'x.constructor.constructor("return process")()',
    'string(x.constructor)',
    'Function("return 1")()',
    'import("fs")',
    'eval("1+1")',
  ])('evaluates FEEL that reaches for %s to nothing, never to JavaScript', async (expression) => {
    // given a script task with the expression, deployed through the API
    const processId = `feel-${Math.random().toString(36).slice(2, 10)}`;
    const deployed = await h.inject({
      method: 'POST',
      url: '/api/definitions',
      headers: admin,
      payload: { xml: scriptProcess(processId, expression) },
    });
    if (deployed.statusCode === 400) return; // refused at deploy: nothing ever runs
    expect(deployed.statusCode, deployed.body).toBeLessThan(300);
    // when an instance runs it
    const started = await h.inject({
      method: 'POST',
      url: '/api/instances',
      headers: admin,
      payload: { processId, variables: { x: { a: 1 } } },
    });
    expect(started.statusCode, started.body).toBeLessThan(300);
    const instance = (
      await h.inject({ method: 'GET', url: `/api/instances/${started.json().id}`, headers: admin })
    ).json();
    // then the result is null (or an incident was raised), never a value from outside the context
    const result = instance.variables.result;
    const incident = instance.incidents.length > 0;
    expect(incident || result === null || result === undefined, `result: ${JSON.stringify(result)}`).toBe(
      true,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not let variables named __proto__ pollute anything', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/instances',
      headers: { ...admin, 'content-type': 'application/json' },
      payload:
        '{"processId":"staff-work","variables":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}',
    });
    expect(res.statusCode).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throttles login brute force with 429, even for the right password', async () => {
    // given a user under attack
    await h.createUser('target', ['staff']);
    const attempt = (password: string) =>
      h.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'target', password } });
    // when an attacker keeps guessing
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt(`guess-${i}`)).statusCode);
    // then the guesses are refused, then throttled, and the right password is throttled too
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    const right = await attempt(PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe('RATE_LIMITED');
  });
});
