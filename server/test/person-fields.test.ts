import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const pickForm = {
  formId: 'pick-start',
  name: 'Pick people',
  schema: {
    type: 'object',
    properties: {
      reviewer: { type: 'string' },
      helpers: { type: 'array', items: { type: 'string' } },
      note: { type: 'string' },
    },
    required: ['reviewer'],
  },
  uiSchema: {
    reviewer: { 'ui:options': { userPicker: true } },
    helpers: { items: { 'ui:widget': 'user' } },
  },
};

const reviewForm = {
  formId: 'pick-review',
  name: 'Review',
  schema: { type: 'object', properties: { nextOwner: { type: 'string' } } },
  uiSchema: { nextOwner: { 'ui:options': { userPicker: true } } },
};

describe.each(dialects())('person fields on %s', (dialect) => {
  let t: TestApp;
  let sam: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const dana = await t.userSession('dana', ['designer']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    await t.createUser({ username: 'kim', roles: ['staff'] });
    const gone = await t.createUser({ username: 'lee', roles: ['staff'] });
    await t.store.users.update(gone.id, { active: false });
    for (const form of [pickForm, reviewForm]) {
      const saved = await t.call(dana, { method: 'POST', url: '/api/forms', payload: form });
      expect(saved.statusCode, saved.body).toBe(201);
    }
    await t.engine.deploy(expenseProcess('picks', { startForm: 'pick-start', reviewForm: 'pick-review' }));
  });
  afterAll(async () => t?.close());

  const start = (variables: Record<string, unknown>) =>
    t.call(sam, { method: 'POST', url: '/api/instances', payload: { processId: 'picks', variables } });

  it('refuses a start that names an unknown or deactivated user, pointing at each field', async () => {
    // when
    const res = await start({ reviewer: 'ghost', helpers: ['kim', 'lee'], note: 'ghost' });
    // then
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('FORM_DATA_INVALID');
    expect(
      res
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual(['/helpers/1', '/reviewer']);
  });

  it('starts when every person field names an active user', async () => {
    // when
    const res = await start({ reviewer: 'kim', helpers: ['sam'], note: 'ghost' });
    // then
    expect(res.statusCode, res.body).toBe(201);
  });

  it('refuses a completion that names an unknown user', async () => {
    // given
    const id = (await start({ reviewer: 'kim' })).json().id;
    const task = (
      await t.call(sam, { method: 'GET', url: `/api/tasks?scope=claimable&instanceId=${id}` })
    ).json().items[0];
    // when
    const bad = await t.call(sam, {
      method: 'POST',
      url: `/api/tasks/${task.id}/complete`,
      payload: { variables: { nextOwner: 'nobody' } },
    });
    const good = await t.call(sam, {
      method: 'POST',
      url: `/api/tasks/${task.id}/complete`,
      payload: { variables: { nextOwner: 'kim' } },
    });
    // then
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().errors).toEqual([
      { pointer: '/nextOwner', message: "No active user is named 'nobody'" },
    ]);
    expect(good.statusCode, good.body).toBe(204);
  });
});
