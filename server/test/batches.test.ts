import { systemIdentity } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const variables = { title: 'Taxi', amount: 3 };

describe.each(dialects())('batch operations through the API on %s', (dialect) => {
  let t: TestApp;
  let maya: Session;
  let sam: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    maya = await t.userSession('maya', ['manager'], ['managers']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    await t.engine.deploy(expenseProcess());
  });
  afterAll(async () => t?.close());

  const start = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++)
      ids.push((await t.engine.startInstance({ processId: 'expense', variables }, systemIdentity('sam'))).id);
    return ids;
  };
  const post = (who: Session, url: string, payload?: object) =>
    t.call(who, { method: 'POST', url, ...(payload ? { payload } : {}) });

  it('counts in a dry run, creates a batch, shows its progress and controls it', async () => {
    const ids = await start(4);
    const filter = { instanceIds: ids };
    // a dry run counts and samples
    const dry = await post(maya, '/api/batches', { kind: 'cancel', filter, dryRun: true });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, matched: 4, overLimit: false });
    expect(dry.json().sample).toHaveLength(4);
    // creating answers 201 with the batch
    const created = await post(maya, '/api/batches', { kind: 'cancel', filter });
    expect(created.statusCode).toBe(201);
    const batch = created.json();
    expect(batch).toMatchObject({ kind: 'cancel', state: 'running', total: 4, done: 0, createdBy: 'maya' });
    // pause stops it; an executor then takes nothing
    expect((await post(maya, `/api/batches/${batch.id}/pause`)).json()).toMatchObject({ state: 'paused' });
    expect(await t.engine.runDueBatches()).toBe(0);
    const again = await post(maya, `/api/batches/${batch.id}/pause`);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('BATCH_STATE_CONFLICT');
    // resume, run two, and the detail shows the progress
    expect((await post(maya, `/api/batches/${batch.id}/resume`)).json()).toMatchObject({ state: 'running' });
    expect(await t.engine.runDueBatches({ limit: 2 })).toBe(2);
    const detail = await t.call(maya, { method: 'GET', url: `/api/batches/${batch.id}` });
    expect(detail.json()).toMatchObject({ done: 2, failed: 0, failures: [] });
    // the list has it; cancel ends it
    const list = await t.call(maya, { method: 'GET', url: '/api/batches?state=running' });
    expect(list.json().items.map((b: { id: string }) => b.id)).toContain(batch.id);
    expect((await post(maya, `/api/batches/${batch.id}/cancel`)).json()).toMatchObject({
      state: 'cancelled',
      done: 2,
    });
    expect(await t.engine.runDueBatches()).toBe(0);
  });

  it('lists each failure with its reason', async () => {
    // given two instances, one of which someone cancels before the batch reaches it
    const [first, second] = await start(2);
    const created = await post(maya, '/api/batches', {
      kind: 'variables',
      filter: { instanceIds: [first, second] },
      parameters: { variables: { region: 'north' } },
    });
    await t.engine.cancelInstance(second ?? '', systemIdentity('ada'));
    await t.engine.runDueBatches();
    const detail = (await t.call(maya, { method: 'GET', url: `/api/batches/${created.json().id}` })).json();
    expect(detail).toMatchObject({ state: 'completed', done: 1, failed: 1 });
    expect(detail.failures).toEqual([
      expect.objectContaining({ instanceId: second, code: expect.any(String), message: expect.any(String) }),
    ]);
    expect((await t.engine.getInstance(first ?? '')).variables).toMatchObject({ region: 'north' });
  });

  it('answers bad input with 400 and a pointer, and staff with 403', async () => {
    const bad = async (payload: object, pointer: string) => {
      const res = await post(maya, '/api/batches', payload);
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toContain(pointer);
    };
    await bad({ kind: 'explode', filter: {} }, '/kind');
    await bad({ kind: 'cancel', filter: { instanceIds: ['x'] } }, '/filter/instanceIds/0');
    await bad({ kind: 'retry', filter: {}, parameters: { retries: 0 } }, '/parameters/retries');
    await bad({ kind: 'cancel', filter: { startedAfter: 'yesterday' } }, '/filter/startedAfter');
    await bad({ kind: 'cancel' }, 'filter');
    const tooMany = await post(maya, '/api/batches', {
      kind: 'cancel',
      filter: { instanceIds: Array.from({ length: 1001 }, () => crypto.randomUUID()) },
    });
    expect(tooMany.statusCode).toBe(400);
    const refused = await post(maya, '/api/batches', { kind: 'migrate', filter: {}, parameters: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('INVALID_ARGUMENT');
    expect((await post(sam, '/api/batches', { kind: 'cancel', filter: {} })).statusCode).toBe(403);
    const unknown = await t.call(maya, { method: 'GET', url: `/api/batches/${crypto.randomUUID()}` });
    expect(unknown.statusCode).toBe(404);
    expect((await t.call(maya, { method: 'GET', url: '/api/batches/nope' })).statusCode).toBe(400);
  });

  it('documents the batch routes in the OpenAPI document', async () => {
    const doc = (await t.call(maya, { method: 'GET', url: '/docs/json' })).json();
    for (const path of ['/api/batches', '/api/batches/{id}', '/api/batches/{id}/pause'])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(JSON.stringify(doc.components?.schemas ?? doc)).toContain('batchCreateBody');
  });
});
