import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

describe.each(dialects())('processes and tasks over HTTP on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  let maya: Session;
  let sam: Session;
  let kim: Session;
  let lee: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
    maya = await t.userSession('maya', ['manager'], ['managers']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    kim = await t.userSession('kim', ['staff'], ['staff']);
    lee = await t.userSession('lee', ['staff'], ['leads']);
  });
  afterAll(async () => t?.close());

  async function start(session: Session, variables: Record<string, unknown> = { title: 'Taxi', amount: 12 }) {
    const res = await t.call(session, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'expense', variables },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function openTask(instanceId: string, elementId: string) {
    const res = await t.call(maya, { method: 'GET', url: `/api/tasks?scope=all&instanceId=${instanceId}` });
    const task = res.json().items.find((x: { elementId: string }) => x.elementId === elementId);
    expect(task, res.body).toBeDefined();
    return task.id as string;
  }

  it('refuses to deploy a process whose forms do not exist, pinning the issue on the element', async () => {
    // when
    const res = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: expenseProcess(),
      headers: { 'content-type': 'application/xml' },
    });
    // then
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('DEFINITION_INVALID');
    const pinned = res
      .json()
      .issues.map((i: { elementId: string }) => i.elementId)
      .sort();
    expect(pinned).toEqual(['review', 'start']);
  });

  it('deploys once the forms exist, and deploying the same file again adds no version', async () => {
    // given
    for (const [formId, schema] of [
      ['expense-start', startFormSchema],
      ['expense-review', reviewFormSchema],
    ] as const) {
      const saved = await t.call(dana, {
        method: 'POST',
        url: '/api/forms',
        payload: { formId, name: formId, schema },
      });
      expect(saved.statusCode, saved.body).toBe(201);
    }
    // when
    const first = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: { xml: expenseProcess() },
    });
    const again = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: { xml: expenseProcess() },
    });
    // then
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().definitions[0]).toMatchObject({ processId: 'expense', version: 1, isNew: true });
    expect(again.statusCode).toBe(200);
    expect(again.json().definitions[0].isNew).toBe(false);
    const processes = await t.call(sam, { method: 'GET', url: '/api/processes' });
    expect(processes.json().items).toEqual([
      expect.objectContaining({ processId: 'expense', version: 1, startFormId: 'expense-start' }),
    ]);
  });

  it('validates start variables against the start form and starts nothing when they are wrong', async () => {
    // when
    const res = await t.call(sam, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'expense', variables: { amount: -3 } },
    });
    // then
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('FORM_DATA_INVALID');
    expect(res.json().errors).toEqual(
      expect.arrayContaining([
        { pointer: '/title', message: expect.any(String) },
        { pointer: '/amount', message: expect.any(String) },
      ]),
    );
    const list = await t.call(maya, { method: 'GET', url: '/api/instances?processId=expense' });
    expect(list.json().total).toBe(0);
  });

  it('shows a claimable task to the group, not to outsiders, and gives it its form', async () => {
    // given
    const instanceId = await start(sam);
    const taskId = await openTask(instanceId, 'review');
    // when
    const kimInbox = await t.call(kim, { method: 'GET', url: '/api/tasks?scope=claimable' });
    const leeInbox = await t.call(lee, { method: 'GET', url: '/api/tasks' });
    const detail = await t.call(kim, { method: 'GET', url: `/api/tasks/${taskId}` });
    const leeDetail = await t.call(lee, { method: 'GET', url: `/api/tasks/${taskId}` });
    // then
    expect(kimInbox.json().items.map((x: { id: string }) => x.id)).toContain(taskId);
    expect(kimInbox.json().counts.claimable).toBeGreaterThanOrEqual(1);
    expect(leeInbox.json().items).toEqual([]);
    expect(detail.json().form.schema).toEqual(reviewFormSchema);
    expect(leeDetail.statusCode).toBe(404);
  });

  it('rejects completion data that breaks the form with every error as a pointer, saving nothing', async () => {
    // given
    const instanceId = await start(sam);
    const taskId = await openTask(instanceId, 'review');
    // when
    const res = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${taskId}/complete`,
      payload: { variables: { decision: 'maybe', note: 'x'.repeat(30) } },
    });
    // then
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual(['/decision', '/note']);
    const task = await t.call(maya, { method: 'GET', url: `/api/tasks/${taskId}` });
    expect(task.json()).toMatchObject({ state: 'created', assignee: null });
  });

  it('completes a claimable task by auto-claiming it, and moves the instance on', async () => {
    // given
    const instanceId = await start(sam);
    const taskId = await openTask(instanceId, 'review');
    // when
    const res = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${taskId}/complete`,
      payload: { variables: { decision: 'ok' } },
    });
    // then
    expect(res.statusCode, res.body).toBe(204);
    const instance = await t.call(sam, { method: 'GET', url: `/api/instances/${instanceId}` });
    expect(instance.json().activeElements).toEqual({ approve: 1 });
    expect(instance.json().variables).toMatchObject({ decision: 'ok' });
  });

  it('lets exactly one of two concurrent completions win; the other gets 409', async () => {
    // given
    const instanceId = await start(sam);
    const taskId = await openTask(instanceId, 'review');
    await t.call(kim, { method: 'POST', url: `/api/tasks/${taskId}/claim` });
    // when
    const results = await Promise.all(
      [0, 1].map(() =>
        t.call(kim, {
          method: 'POST',
          url: `/api/tasks/${taskId}/complete`,
          payload: { variables: { decision: 'ok' } },
        }),
      ),
    );
    // then
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 409]);
  });

  it('hands a task off to another user with a reason, and it shows up in their inbox', async () => {
    // given
    const instanceId = await start(sam);
    const taskId = await openTask(instanceId, 'review');
    await t.call(kim, { method: 'POST', url: `/api/tasks/${taskId}/claim` });
    // when
    const res = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${taskId}/handoff`,
      payload: { toUser: 'sam', reason: 'on holiday' },
    });
    // then
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().assignee).toBe('sam');
    const inbox = await t.call(sam, { method: 'GET', url: '/api/tasks?scope=mine' });
    expect(inbox.json().items.map((x: { id: string }) => x.id)).toContain(taskId);
    const history = await t.call(sam, { method: 'GET', url: `/api/tasks/${taskId}/history` });
    expect(history.json().items.map((e: { type: string }) => e.type)).toContain('task.handedOff');
  });

  it('delegates a task; the delegate resolves it and it returns to the owner', async () => {
    // given
    const instanceId = await start(sam);
    const taskId = await openTask(instanceId, 'review');
    await t.call(kim, { method: 'POST', url: `/api/tasks/${taskId}/claim` });
    // when
    const delegated = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${taskId}/delegate`,
      payload: { toUser: 'lee' },
    });
    const resolved = await t.call(lee, {
      method: 'POST',
      url: `/api/tasks/${taskId}/resolve`,
      payload: { variables: { decision: 'ok', note: 'checked' } },
    });
    // then
    expect(delegated.statusCode, delegated.body).toBe(200);
    expect(delegated.json()).toMatchObject({ assignee: 'lee', owner: 'kim', delegated: true });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ assignee: 'kim', delegated: false });
  });

  it('returns a task to an earlier step with a reason', async () => {
    // given
    const instanceId = await start(sam);
    const reviewId = await openTask(instanceId, 'review');
    await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${reviewId}/complete`,
      payload: { variables: { decision: 'ok' } },
    });
    const approveId = await openTask(instanceId, 'approve');
    await t.call(sam, { method: 'POST', url: `/api/tasks/${approveId}/claim` });
    const detail = await t.call(sam, { method: 'GET', url: `/api/tasks/${approveId}` });
    // when
    const res = await t.call(sam, {
      method: 'POST',
      url: `/api/tasks/${approveId}/return`,
      payload: { targetElementId: 'review', reason: 'receipt missing' },
    });
    // then
    expect(detail.json().returnTargets).toEqual([{ elementId: 'review', name: 'Review expense' }]);
    expect(res.statusCode, res.body).toBe(204);
    const instance = await t.call(maya, { method: 'GET', url: `/api/instances/${instanceId}` });
    expect(instance.json().activeElements).toEqual({ review: 1 });
  });

  it('lets a manager reassign a task and see every instance; staff see only theirs', async () => {
    // given
    const instanceId = await start(kim);
    const taskId = await openTask(instanceId, 'review');
    // when
    const assigned = await t.call(maya, {
      method: 'POST',
      url: `/api/tasks/${taskId}/assign`,
      payload: { user: 'sam' },
    });
    const staffAssign = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${taskId}/assign`,
      payload: { user: 'kim' },
    });
    const leeView = await t.call(lee, { method: 'GET', url: `/api/instances/${instanceId}` });
    const samView = await t.call(sam, { method: 'GET', url: `/api/instances/${instanceId}` });
    const leeList = await t.call(lee, { method: 'GET', url: '/api/instances' });
    // then
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().assignee).toBe('sam');
    expect(staffAssign.statusCode).toBe(403);
    expect(leeView.statusCode).toBe(404);
    expect(samView.statusCode).toBe(200);
    expect(leeList.json().total).toBe(0);
  });

  it('records comments in the timeline and saves drafts without completing', async () => {
    // given
    const instanceId = await start(sam);
    const taskId = await openTask(instanceId, 'review');
    await t.call(kim, { method: 'POST', url: `/api/tasks/${taskId}/claim` });
    // when
    const comment = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${taskId}/comments`,
      payload: { text: '<b>hi</b>' },
    });
    const draft = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${taskId}/draft`,
      payload: { variables: { note: 'wip' } },
    });
    // then
    expect(comment.statusCode, comment.body).toBe(204);
    expect(draft.json()).toMatchObject({ state: 'created', draft: { note: 'wip' } });
    const history = await t.call(maya, { method: 'GET', url: `/api/instances/${instanceId}/history` });
    const commented = history.json().items.find((e: { type: string }) => e.type === 'task.commented');
    expect(commented).toMatchObject({ actor: 'kim', taskId });
  });
});
