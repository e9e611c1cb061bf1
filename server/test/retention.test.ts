import { randomUUID } from 'node:crypto';
import { DECISION_EVALUATION_TTL_DAYS, systemIdentity } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileQueries } from '../src/files/file-store.js';
import { sweepIntervalFromEnv, startRetentionSweeps } from '../src/retention.js';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const DAY = 86_400_000;

describe('the retention sweep setting', () => {
  it('defaults to ten minutes, takes 0 for off, and refuses what it cannot use', () => {
    expect(sweepIntervalFromEnv({})).toBe(600_000);
    expect(sweepIntervalFromEnv({ BATON_RETENTION_SWEEP_MS: '0' })).toBe(0);
    expect(sweepIntervalFromEnv({ BATON_RETENTION_SWEEP_MS: '5000' })).toBe(5_000);
    for (const bad of ['10', '-1', '1e4', 'soon'])
      expect(() => sweepIntervalFromEnv({ BATON_RETENTION_SWEEP_MS: bad })).toThrow(
        /BATON_RETENTION_SWEEP_MS/,
      );
  });
});

describe.each(dialects())('retention through the API on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  let maya: Session;
  let sam: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
    maya = await t.userSession('maya', ['manager'], ['managers']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    await t.engine.deploy(expenseProcess());
  });
  afterAll(async () => t?.close());

  const setTtl = (who: Session, ttlDays: unknown) =>
    t.call(who, { method: 'PUT', url: '/api/processes/expense/retention', payload: { ttlDays } });

  it('lets a designer set a time to live and refuses staff and values out of range', async () => {
    expect((await setTtl(sam, 30)).statusCode).toBe(403);
    const zero = await setTtl(dana, 0);
    expect(zero.statusCode).toBe(400);
    expect(zero.json().errors[0].pointer).toBe('/ttlDays');
    expect((await setTtl(dana, 30)).json()).toEqual({ ttlDays: 30 });
    expect((await t.call(maya, { method: 'GET', url: '/api/processes/expense/retention' })).json()).toEqual({
      ttlDays: 30,
    });
    expect((await setTtl(dana, null)).json()).toEqual({ ttlDays: null });
  });

  it('exports an instance to its manager as a JSON download, and hides it from a stranger', async () => {
    const instance = await t.engine.startInstance(
      { processId: 'expense', variables: { title: 'Taxi', amount: 3 } },
      systemIdentity('sam'),
    );
    const res = await t.call(maya, { method: 'GET', url: `/api/instances/${instance.id}/export` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`instance-${instance.id}.json`);
    expect(res.json()).toMatchObject({
      format: 'baton.instance/1',
      instance: { id: instance.id },
      tasks: [{}],
    });
    expect(res.json().history.length).toBeGreaterThan(0);
    const stranger = await t.userSession('zoe', ['staff'], ['other']);
    expect(
      (await t.call(stranger, { method: 'GET', url: `/api/instances/${instance.id}/export` })).statusCode,
    ).toBe(404);
  });

  it('sweeps expired finished instances in the background', async () => {
    // given a finished instance of a process kept for one day, two days ago
    await setTtl(dana, 1);
    const instance = await t.engine.startInstance(
      { processId: 'expense', variables: { title: 'Taxi', amount: 3 } },
      systemIdentity('sam'),
    );
    // and a file attached to it
    const files = fileQueries(t.db);
    const fileId = randomUUID();
    await files.insert({
      id: fileId,
      name: 'quote.pdf',
      type: 'application/pdf',
      size: 4,
      sha256: 'x',
      bytes: new Uint8Array([37, 80, 68, 70]),
      uploadedBy: 'sam',
      createdAt: t.clock.now(),
    });
    expect(await files.attach([fileId], instance.id, 'sam', new Date(0), t.clock.now())).toEqual([fileId]);
    await t.engine.cancelInstance(instance.id, systemIdentity('maya'));
    t.clock.advance(2 * DAY);
    // when the background sweep has had its turn
    const stop = startRetentionSweeps(t.engine, t.app.log, 1_000, (ids) => files.removeOfInstances(ids));
    try {
      await expect
        .poll(
          () =>
            t.engine.getInstance(instance.id).then(
              () => 'kept',
              () => 'removed',
            ),
          { timeout: 10_000 },
        )
        .toBe('removed');
      // then its file went with it
      await expect.poll(() => files.get(fileId), { timeout: 5_000 }).toBeNull();
    } finally {
      await stop();
      await setTtl(dana, null);
    }
  });

  it('removes the records of decisions evaluated on their own once they are older than their age limit', async () => {
    // given a decision evaluated on its own, and one more evaluation 90 days later
    await t.engine.deployDecisions(
      '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="aging" name="a" namespace="x"><decision id="aging-answer"><literalExpression id="le"><text>42</text></literalExpression></decision></definitions>',
    );
    await t.engine.evaluateDecision({ decisionId: 'aging-answer' }, systemIdentity('dana'));
    t.clock.advance(DECISION_EVALUATION_TTL_DAYS * DAY);
    await t.engine.evaluateDecision({ decisionId: 'aging-answer' }, systemIdentity('dana'));
    t.clock.advance(DAY);
    // when the background sweep has had its turn
    const stop = startRetentionSweeps(t.engine, t.app.log, 1_000);
    try {
      // then the older record went and the younger one stays
      await expect
        .poll(async () => (await t.engine.listDecisionEvaluations({ decisionId: 'aging-answer' })).total, {
          timeout: 10_000,
        })
        .toBe(1);
    } finally {
      await stop();
    }
  });
});
