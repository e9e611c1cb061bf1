import { systemIdentity } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** The review form of the strict process: the same data as the plain one plus a required note. */
const strictReviewForm = {
  ...reviewFormSchema,
  properties: { ...reviewFormSchema.properties, note: { type: 'string', minLength: 5 } },
  required: ['decision', 'note'],
};

describe.each(dialects())('saved views and bulk actions on %s', (dialect) => {
  let t: TestApp;
  let sam: Session;
  let kim: Session;
  let olga: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.createUser({ username: 'lee', roles: ['staff'], groups: ['staff'] });
    sam = await t.userSession('sam', ['staff'], ['staff', 'night']);
    kim = await t.userSession('kim', ['staff'], ['staff']);
    olga = await t.userSession('olga', ['staff'], ['other']);
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    await t.saveForm('strict-review', strictReviewForm);
    await t.engine.deploy(expenseProcess());
    await t.engine.deploy(expenseProcess('expense-strict', { reviewForm: 'strict-review' }));
  });
  afterAll(async () => t?.close());

  const reviewTask = async (processId = 'expense'): Promise<string> => {
    const instance = await t.engine.startInstance(
      { processId, variables: { title: 'Taxi', amount: 3 } },
      systemIdentity('ada'),
    );
    return (await t.engine.listTasks({ instanceId: instance.id })).items[0]!.id;
  };
  const save = (s: Session, payload: object) => t.call(s, { method: 'POST', url: '/api/views', payload });
  const bulk = (s: Session, payload: object) =>
    t.call(s, { method: 'POST', url: '/api/tasks/bulk', payload });

  describe('views', () => {
    it('saves, lists, changes and deletes the owner’s view', async () => {
      // given
      const created = await save(sam, {
        name: 'Overdue expenses',
        filter: { scope: 'claimable', processId: 'expense', overdue: true, q: 'taxi' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const view = created.json();
      expect(view).toMatchObject({
        name: 'Overdue expenses',
        filter: { scope: 'claimable', processId: 'expense', overdue: true, q: 'taxi' },
        ownerName: 'sam',
        sharedWithGroup: null,
        editable: true,
      });
      const samId = (await t.store.users.getByUsername('sam'))!.id;
      expect(view.ownerId).toBe(samId);

      // when
      const changed = await t.call(sam, {
        method: 'PUT',
        url: `/api/views/${view.id}`,
        payload: { name: 'Due soon', filter: { dueBefore: '2026-04-01T00:00:00Z', sort: 'priority' } },
      });

      // then
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json().filter).toEqual({ dueBefore: '2026-04-01T00:00:00Z', sort: 'priority' });
      const list = await t.call(sam, { method: 'GET', url: '/api/views' });
      expect(list.json().items.map((v: { name: string }) => v.name)).toContain('Due soon');
      const removed = await t.call(sam, { method: 'DELETE', url: `/api/views/${view.id}` });
      expect(removed.statusCode).toBe(204);
      expect((await t.call(sam, { method: 'GET', url: `/api/views/${view.id}` })).statusCode).toBe(404);
    });

    it('shows a shared view to the group’s members read-only, and hides it from strangers', async () => {
      // given
      const shared = (
        await save(sam, { name: 'Team queue', filter: { scope: 'claimable' }, sharedWithGroup: 'staff' })
      ).json();
      const url = `/api/views/${shared.id}`;

      // then: kim, in staff, sees it and may not change it
      const seen = await t.call(kim, { method: 'GET', url });
      expect(seen.statusCode).toBe(200);
      expect(seen.json()).toMatchObject({ sharedWithGroup: 'staff', ownerName: 'sam', editable: false });
      expect((await t.call(kim, { method: 'GET', url: '/api/views' })).json().items).toContainEqual(
        expect.objectContaining({ id: shared.id }),
      );
      const put = await t.call(kim, { method: 'PUT', url, payload: { name: 'Mine now', filter: {} } });
      expect(put.statusCode).toBe(404);
      expect((await t.call(kim, { method: 'DELETE', url })).statusCode).toBe(404);

      // and olga, not in staff, learns nothing
      expect((await t.call(olga, { method: 'GET', url })).statusCode).toBe(404);
      expect((await t.call(olga, { method: 'DELETE', url })).statusCode).toBe(404);
      expect(
        (await t.call(olga, { method: 'GET', url: '/api/views' }))
          .json()
          .items.map((v: { id: string }) => v.id),
      ).not.toContain(shared.id);
      expect((await t.call(sam, { method: 'GET', url })).json().name).toBe('Team queue');
    });

    it('keeps a view across a restart: another server on the same database lists it', async () => {
      // given
      const view = (await save(sam, { name: 'Survives', filter: { scope: 'mine', sort: 'created' } })).json();

      // when
      const second = await t.secondApp();
      try {
        const res = await second.app.inject({
          method: 'GET',
          url: `/api/views/${view.id}`,
          headers: sam.headers,
        });

        // then
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ name: 'Survives', filter: { scope: 'mine', sort: 'created' } });
      } finally {
        await second.close();
      }
    });

    it('refuses a group the owner is not in, an unknown group, and a bad filter with pointers', async () => {
      const notMember = await save(olga, { name: 'x', filter: {}, sharedWithGroup: 'staff' });
      expect(notMember.statusCode).toBe(400);
      expect(notMember.json()).toMatchObject({
        code: 'NOT_A_GROUP_MEMBER',
        errors: [{ pointer: '/sharedWithGroup' }],
      });
      const unknown = await save(sam, { name: 'x', filter: {}, sharedWithGroup: 'nobody-has-this' });
      expect(unknown.json()).toMatchObject({
        code: 'GROUP_NOT_FOUND',
        errors: [{ pointer: '/sharedWithGroup' }],
      });

      const badFilter = await save(sam, { name: 'x', filter: { scope: 'everything', colour: 'red' } });
      expect(badFilter.statusCode).toBe(400);
      expect(badFilter.json().code).toBe('VALIDATION_FAILED');
      const pointers = badFilter.json().errors.map((e: { pointer: string }) => e.pointer);
      expect(pointers).toContain('/filter/scope');

      const noName = await save(sam, { name: '', filter: {} });
      expect(noName.statusCode).toBe(400);
      expect(noName.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/name');
      const badDate = await save(sam, { name: 'x', filter: { dueBefore: 'tomorrow' } });
      expect(badDate.statusCode).toBe(400);
    });
  });

  describe('bulk', () => {
    it('claims the tasks it may and reports the one another user holds', async () => {
      // given: three review tasks, one already claimed by kim
      const [a, b, held] = [await reviewTask(), await reviewTask(), await reviewTask()];
      expect((await t.call(kim, { method: 'POST', url: `/api/tasks/${held}/claim` })).statusCode).toBe(200);

      // when
      const res = await bulk(sam, { action: 'claim', taskIds: [a, held, b] });

      // then
      expect(res.statusCode, res.body).toBe(200);
      const report = res.json();
      expect(report).toMatchObject({ succeeded: 2, failed: 1 });
      expect(report.results.map((r: { taskId: string }) => r.taskId)).toEqual([a, held, b]);
      expect(report.results[1]).toMatchObject({ taskId: held, ok: false, status: 409 });
      expect(report.results[1].code).toMatch(/^TASK_/);
      expect((await t.engine.getTask(a)).assignee).toBe('sam');
      expect((await t.engine.getTask(b)).assignee).toBe('sam');
      expect((await t.engine.getTask(held)).assignee).toBe('kim');
    });

    it('reports a task the caller may not see as not found, and touches it not', async () => {
      const task = await reviewTask();
      const res = await bulk(olga, { action: 'claim', taskIds: [task] });
      expect(res.json().results[0]).toMatchObject({ ok: false, code: 'TASK_NOT_FOUND', status: 404 });
      expect((await t.engine.getTask(task)).assignee).toBeNull();
    });

    it('lets the engine refuse each task to a token without the tasks scope', async () => {
      // given a token of sam's that may only read
      const token = (
        await t.call(sam, {
          method: 'POST',
          url: '/api/tokens',
          payload: { name: 'reader', scopes: ['read'] },
        })
      ).json().token as string;
      const task = await reviewTask();

      // when
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/tasks/bulk',
        headers: { authorization: `Bearer ${token}` },
        payload: { action: 'claim', taskIds: [task] },
      });

      // then
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().results[0]).toMatchObject({ ok: false, code: 'FORBIDDEN', status: 403 });
      expect((await t.engine.getTask(task)).assignee).toBeNull();
    });

    it('hands two tasks off to a colleague with the reason', async () => {
      // given
      const [a, b] = [await reviewTask(), await reviewTask()];
      await bulk(sam, { action: 'claim', taskIds: [a, b] });

      // when
      const res = await bulk(sam, {
        action: 'handOff',
        taskIds: [a, b],
        to: { user: 'kim' },
        reason: 'On leave',
      });

      // then
      expect(res.json()).toMatchObject({ succeeded: 2, failed: 0 });
      expect((await t.engine.getTask(a)).assignee).toBe('kim');
      expect((await t.engine.getTask(b)).assignee).toBe('kim');
    });

    it('completes where the form accepts the data and reports the form that refuses it', async () => {
      // given: a plain review and a strict one (it also requires a note of 5 characters)
      const plain = await reviewTask();
      const strict = await reviewTask('expense-strict');
      await bulk(sam, { action: 'claim', taskIds: [plain, strict] });

      // when
      const res = await bulk(sam, {
        action: 'complete',
        taskIds: [plain, strict],
        variables: { decision: 'ok' },
      });

      // then
      expect(res.json()).toMatchObject({
        succeeded: 1,
        failed: 1,
        results: [
          { taskId: plain, ok: true },
          { taskId: strict, ok: false, code: 'FORM_DATA_INVALID', status: 400 },
        ],
      });
      expect((await t.engine.getTask(plain)).state).toBe('completed');
      expect((await t.engine.getTask(strict)).state).toBe('created');
    });

    it('refuses bad input before touching any task', async () => {
      const task = await reviewTask();
      const noTarget = await bulk(sam, { action: 'handOff', taskIds: [task] });
      expect(noTarget.statusCode).toBe(400);
      expect(noTarget.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/to', '/reason']);
      const ghost = await bulk(sam, {
        action: 'handOff',
        taskIds: [task],
        to: { user: 'ghost' },
        reason: 'r',
      });
      expect(ghost.json()).toMatchObject({ code: 'USER_NOT_FOUND', errors: [{ pointer: '/to/user' }] });
      const tooMany = await bulk(sam, {
        action: 'claim',
        taskIds: Array.from(
          { length: 101 },
          (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        ),
      });
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json().errors[0].pointer).toBe('/taskIds');
      const badAction = await bulk(sam, { action: 'delete', taskIds: [task] });
      expect(badAction.statusCode).toBe(400);
      expect((await t.engine.getTask(task)).assignee).toBeNull();
    });
  });
});
