import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** One bad request per route: each must get the right 4xx as problem+json, never a 500. */
describe.each(dialects())('bad input on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { bodyLimit: 64 * 1024, deployBodyLimit: 128 * 1024 } });
    admin = await t.userSession('ada', ['admin'], ['staff']);
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    await t.engine.deploy(expenseProcess());
  });
  afterAll(async () => t?.close());

  const UUID = '00000000-0000-4000-8000-000000000000';
  const cases: [string, 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string, unknown, number, string][] = [
    ['login without password', 'POST', '/api/auth/login', { username: 'x' }, 400, 'VALIDATION_FAILED'],
    [
      'user with a short password',
      'POST',
      '/api/users',
      { username: 'bob', password: 'x' },
      400,
      'PASSWORD_TOO_WEAK',
    ],
    [
      'user with an unknown role',
      'POST',
      '/api/users',
      { username: 'bob', password: 'long enough', roles: ['god'] },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'patch of a bad user id',
      'PATCH',
      '/api/users/not-a-uuid',
      { displayName: 'x' },
      400,
      'VALIDATION_FAILED',
    ],
    ['patch of an unknown user', 'PATCH', `/api/users/${UUID}`, { displayName: 'x' }, 404, 'NOT_FOUND'],
    ['empty patch', 'PATCH', `/api/users/${UUID}`, {}, 400, 'VALIDATION_FAILED'],
    ['delete of an unknown user', 'DELETE', `/api/users/${UUID}`, undefined, 404, 'NOT_FOUND'],
    ['group with a bad name', 'POST', '/api/groups', { name: 'a b' }, 400, 'VALIDATION_FAILED'],
    ['members of an unknown group', 'PUT', '/api/groups/nope/members', { usernames: [] }, 404, 'NOT_FOUND'],
    [
      'members that do not exist',
      'PUT',
      '/api/groups/staff/members',
      { usernames: ['ghost'] },
      400,
      'UNKNOWN_USERS',
    ],
    ['token without a name', 'POST', '/api/tokens', {}, 400, 'VALIDATION_FAILED'],
    ['delete of an unknown token', 'DELETE', `/api/tokens/${UUID}`, undefined, 404, 'NOT_FOUND'],
    [
      'form with a bad id',
      'POST',
      '/api/forms',
      { formId: 'a b', name: 'x', schema: {} },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'form whose schema is not an object',
      'POST',
      '/api/forms',
      { formId: 'f', name: 'x', schema: 3 },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'form version that is not a number',
      'GET',
      '/api/forms/expense-start?version=abc',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    [
      'deploy of malformed XML',
      'POST',
      '/api/definitions',
      { xml: '<bpmn:definitions' },
      400,
      'DEFINITION_INVALID',
    ],
    [
      'deploy of XML with a NUL character',
      'POST',
      '/api/definitions',
      { xml: expenseProcess().replace('Expense claim', 'a\u0000b') },
      400,
      'DEFINITION_INVALID',
    ],
    [
      'form whose text holds a NUL character',
      'POST',
      '/api/forms',
      { formId: 'nul', name: 'a\u0000b', schema: { type: 'object' } },
      400,
      'INVALID_VALUE',
    ],
    ['deploy without xml', 'POST', '/api/definitions', {}, 400, 'VALIDATION_FAILED'],
    ['validate without xml', 'POST', '/api/definitions/validate', { xml: 1 }, 400, 'VALIDATION_FAILED'],
    [
      'definitions by a bad process id',
      'GET',
      '/api/definitions?processId=a%20b',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    ['unknown definition', 'GET', `/api/definitions/${UUID}`, undefined, 404, 'DEFINITION_NOT_FOUND'],
    ['xml of a bad definition id', 'GET', '/api/definitions/123/xml', undefined, 400, 'VALIDATION_FAILED'],
    ['kpis of an unknown process', 'GET', '/api/processes/nope/kpis', undefined, 404, 'DEFINITION_NOT_FOUND'],
    [
      'start of an unknown process',
      'POST',
      '/api/instances',
      { processId: 'nope' },
      404,
      'DEFINITION_NOT_FOUND',
    ],
    [
      'start with variables that are not an object',
      'POST',
      '/api/instances',
      { processId: 'expense', variables: [] },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'instances with a bad status',
      'GET',
      '/api/instances?status=sleeping',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    [
      'instances with a bad date',
      'GET',
      '/api/instances?startedAfter=yesterday',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    [
      'instances with a huge limit',
      'GET',
      '/api/instances?limit=100000',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    ['unknown instance', 'GET', `/api/instances/${UUID}`, undefined, 404, 'INSTANCE_NOT_FOUND'],
    ['history of a bad id', 'GET', '/api/instances/x/history', undefined, 400, 'VALIDATION_FAILED'],
    [
      'cancel of an unknown instance',
      'POST',
      `/api/instances/${UUID}/cancel`,
      undefined,
      404,
      'INSTANCE_NOT_FOUND',
    ],
    [
      'variables without variables',
      'PATCH',
      `/api/instances/${UUID}/variables`,
      {},
      400,
      'VALIDATION_FAILED',
    ],
    [
      'incidents with a bad instance id',
      'GET',
      '/api/incidents?instanceId=1',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    [
      'retry of an unknown incident',
      'POST',
      `/api/incidents/${UUID}/retry`,
      undefined,
      404,
      'INCIDENT_NOT_FOUND',
    ],
    ['tasks with a bad scope', 'GET', '/api/tasks?scope=everyone', undefined, 400, 'VALIDATION_FAILED'],
    ['tasks with a bad sort', 'GET', '/api/tasks?sort=name', undefined, 400, 'VALIDATION_FAILED'],
    ['unknown task', 'GET', `/api/tasks/${UUID}`, undefined, 404, 'TASK_NOT_FOUND'],
    ['history of an unknown task', 'GET', `/api/tasks/${UUID}/history`, undefined, 404, 'TASK_NOT_FOUND'],
    ['claim of an unknown task', 'POST', `/api/tasks/${UUID}/claim`, undefined, 404, 'TASK_NOT_FOUND'],
    ['unclaim of a bad id', 'POST', '/api/tasks/zzz/unclaim', undefined, 400, 'VALIDATION_FAILED'],
    [
      'complete with variables that are a string',
      'POST',
      `/api/tasks/${UUID}/complete`,
      { variables: 'x' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'draft of an unknown task',
      'POST',
      `/api/tasks/${UUID}/draft`,
      { variables: {} },
      404,
      'TASK_NOT_FOUND',
    ],
    [
      'handoff to both a user and a group',
      'POST',
      `/api/tasks/${UUID}/handoff`,
      { toUser: 'a', toGroup: 'b', reason: 'r' },
      400,
      'VALIDATION_FAILED',
    ],
    ['delegate without a user', 'POST', `/api/tasks/${UUID}/delegate`, {}, 400, 'VALIDATION_FAILED'],
    [
      'resolve of an unknown task',
      'POST',
      `/api/tasks/${UUID}/resolve`,
      { variables: {} },
      404,
      'TASK_NOT_FOUND',
    ],
    [
      'return without a reason',
      'POST',
      `/api/tasks/${UUID}/return`,
      { targetElementId: 'a' },
      400,
      'VALIDATION_FAILED',
    ],
    ['empty comment', 'POST', `/api/tasks/${UUID}/comments`, { text: '' }, 400, 'VALIDATION_FAILED'],
    [
      'assign of an unknown task',
      'POST',
      `/api/tasks/${UUID}/assign`,
      { user: 'ada' },
      404,
      'TASK_NOT_FOUND',
    ],
    ['message without a name', 'POST', '/api/messages', {}, 400, 'VALIDATION_FAILED'],
    ['message nobody waits for', 'POST', '/api/messages', { name: 'ghost' }, 404, 'MESSAGE_NOT_CORRELATED'],
    ['signal with a numeric name', 'POST', '/api/signals', { name: 5 }, 400, 'VALIDATION_FAILED'],
    [
      'fetch-and-lock without a type',
      'POST',
      '/api/jobs/fetch-and-lock',
      { workerId: 'w' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'complete of an unknown job',
      'POST',
      `/api/jobs/${UUID}/complete`,
      { workerId: 'w' },
      404,
      'JOB_NOT_FOUND',
    ],
    [
      'fail with negative retries',
      'POST',
      `/api/jobs/${UUID}/fail`,
      { workerId: 'w', retries: -1, errorMessage: 'x' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'bpmn-error without a code',
      'POST',
      `/api/jobs/${UUID}/bpmn-error`,
      { workerId: 'w' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'notifications with a bad unread flag',
      'GET',
      '/api/notifications?unread=maybe',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    [
      'notifications with a huge limit',
      'GET',
      '/api/notifications?limit=5000',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    [
      'read of a bad notification id',
      'POST',
      '/api/notifications/42/read',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    [
      'read of an unknown notification',
      'POST',
      `/api/notifications/${UUID}/read`,
      undefined,
      404,
      'NOT_FOUND',
    ],
    [
      'managers of an unknown process',
      'GET',
      '/api/processes/nope/managers',
      undefined,
      404,
      'DEFINITION_NOT_FOUND',
    ],
    [
      'managers that are not a list',
      'PUT',
      '/api/processes/expense/managers',
      { groups: 'staff' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'managers with a bad group name',
      'PUT',
      '/api/processes/expense/managers',
      { groups: ['a b'] },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'managers that do not exist',
      'PUT',
      '/api/processes/expense/managers',
      { groups: ['ghosts'] },
      400,
      'GROUP_NOT_FOUND',
    ],
    [
      'starters of a bad process id',
      'PUT',
      '/api/processes/a%20b/starters',
      { groups: [] },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'starters listed twice',
      'PUT',
      '/api/processes/expense/starters',
      { groups: ['staff', 'staff'] },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'incident retry with no retries',
      'POST',
      `/api/incidents/${UUID}/retry`,
      { retries: 0 },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'incident retry with a count, of an unknown incident',
      'POST',
      `/api/incidents/${UUID}/retry`,
      { retries: 2 },
      404,
      'INCIDENT_NOT_FOUND',
    ],
    ['bulk retry without a filter', 'POST', '/api/incidents/retry', {}, 400, 'VALIDATION_FAILED'],
    [
      'bulk retry of too many',
      'POST',
      '/api/incidents/retry',
      { filter: {}, limit: 5000 },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'incidents older than a non-date',
      'GET',
      '/api/incidents?createdBefore=soon',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    ['jobs in an unknown state', 'GET', '/api/jobs?state=stuck', undefined, 400, 'VALIDATION_FAILED'],
    ['retries of an unknown job', 'PATCH', `/api/jobs/${UUID}`, { retries: 2 }, 404, 'JOB_NOT_FOUND'],
    ['job retries as text', 'PATCH', `/api/jobs/${UUID}`, { retries: 'many' }, 400, 'VALIDATION_FAILED'],
    [
      'tasks of an over-long element id',
      'GET',
      `/api/tasks?elementId=${'e'.repeat(201)}`,
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    [
      'children of a parent that is no id',
      'GET',
      '/api/instances?parentInstanceId=x',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    ['unknown template', 'GET', '/api/templates/nope', undefined, 404, 'NOT_FOUND'],
    ['copy of an unknown template', 'POST', '/api/templates/nope/copy', undefined, 404, 'NOT_FOUND'],
    ['unknown route', 'GET', '/api/nothing-here', undefined, 404, 'ROUTE_NOT_FOUND'],
    ['malformed percent-encoding in the path', 'DELETE', '/api/tokens/%', undefined, 400, 'BAD_URL'],
    ['unknown method on a route', 'DELETE', '/api/forms', undefined, 404, 'ROUTE_NOT_FOUND'],
  ];

  it.each(cases)('%s -> %i %s', async (_name, method, url, body, status, code) => {
    // when
    const res = await t.call(admin, {
      method,
      url,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    // then
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
  });

  it('answers bad JSON with 400 BAD_JSON', async () => {
    const res = await t.call(admin, {
      method: 'POST',
      url: '/api/forms',
      payload: '{"formId": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BAD_JSON');
  });

  it('answers an oversize body with 413, and an oversize BPMN upload too', async () => {
    const big = await t.call(admin, {
      method: 'POST',
      url: '/api/tokens',
      payload: { name: 'x'.repeat(100 * 1024) },
    });
    const bigXml = await t.call(admin, {
      method: 'POST',
      url: '/api/definitions',
      payload: `<x>${'a'.repeat(200 * 1024)}</x>`,
      headers: { 'content-type': 'application/xml' },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('BODY_TOO_LARGE');
    expect(bigXml.statusCode).toBe(413);
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.call(admin, {
      method: 'POST',
      url: '/api/forms',
      payload: 'formId=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a malformed Authorization header with 401', async () => {
    const res = await t.call(null, {
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: 'Basic abc' },
    });
    expect(res.statusCode).toBe(401);
  });

  it('treats SQL meta-characters in filters as plain text', async () => {
    const res = await t.call(admin, {
      method: 'GET',
      url: `/api/users?q=${encodeURIComponent("' or 1=1 --%_\\")}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBe(0);
  });
});
