import { SYSTEM } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** `plain` for staff; then `checked`, whose updates wait for an updating task listener. */
const process = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-updated" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="updated" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="plain" name="Plain">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="staff" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="checked" name="Checked">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="staff" />
        <zeebe:taskListeners>
          <zeebe:taskListener eventType="updating" type="audit.update" />
        </zeebe:taskListeners>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="plain" />
    <bpmn:sequenceFlow id="f2" sourceRef="plain" targetRef="checked" />
    <bpmn:sequenceFlow id="f3" sourceRef="checked" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe.each(dialects())('PATCH /api/tasks/:id on %s', (dialect) => {
  let t: TestApp;
  let sam: Session;
  let kim: Session;
  let olga: Session;
  let mia: Session;
  let worker: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.engine.deploy(process);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    kim = await t.userSession('kim', ['staff'], ['staff']);
    olga = await t.userSession('olga', ['staff'], ['outsiders']);
    mia = await t.userSession('mia', ['manager'], ['managers']);
    const wes = await t.userSession('wes', ['worker']);
    worker = await t.tokenSession(wes, 'auditor', ['jobs:audit.*']);
  });
  afterAll(async () => t?.close());

  const update = (who: Session, id: string, payload: unknown) =>
    t.call(who, { method: 'PATCH', url: `/api/tasks/${id}`, payload: payload as Record<string, unknown> });

  /** Starts an instance and returns its open task: `plain`, or `checked` once `plain` is done. */
  async function open(at: 'plain' | 'checked'): Promise<{ id: string; taskId: string }> {
    const { id } = await t.engine.startInstance({ processId: 'updated', variables: {} }, SYSTEM);
    let [task] = (await t.engine.listTasks({ instanceId: id })).items;
    if (at === 'checked') {
      await t.engine.completeTask(task?.id ?? '', {}, SYSTEM);
      [task] = (await t.engine.listTasks({ instanceId: id, elementId: 'checked' })).items;
    }
    if (!task) throw new Error('no task');
    return { id, taskId: task.id };
  }

  it('updates the task for its assignee and a manager, and answers bad fields with pointers', async () => {
    // given
    const { id, taskId } = await open('plain');
    expect((await t.call(sam, { method: 'POST', url: `/api/tasks/${taskId}/claim` })).statusCode).toBe(200);
    // when the assignee moves the due date
    const moved = await update(sam, taskId, { changeset: { dueDate: '2030-03-01T09:00:00Z', priority: 70 } });
    // then
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ state: 'created', dueAt: '2030-03-01T09:00:00.000Z', priority: 70 });
    // when a manager offers it to another group, clearing the date
    const offered = await update(mia, taskId, { changeset: { candidateGroups: ['leads'], dueDate: '' } });
    expect(offered.statusCode, offered.body).toBe(200);
    expect(offered.json()).toMatchObject({ candidateGroups: ['leads'], dueAt: null, assignee: 'sam' });
    const history = (await t.engine.getHistory(id)).filter((event) => event.type === 'task.updated');
    expect(history.map((event) => [event.actor, event.data])).toEqual([
      ['sam', { changes: { dueDate: '2030-03-01T09:00:00.000Z', priority: 70 } }],
      ['mia', { changes: { candidateGroups: ['leads'], dueDate: '' } }],
    ]);
    // when the fields are bad
    for (const [payload, pointer] of [
      [{ changeset: { priority: 101 } }, '/changeset/priority'],
      [{ changeset: { dueDate: 'next friday' } }, '/changeset/dueDate'],
      [{ changeset: { candidateUsers: [''] } }, '/changeset/candidateUsers/0'],
      [{ changeset: { assignee: 'kim' } }, '/changeset/assignee'],
      [{ changeset: {} }, '/changeset'],
      [{ changeset: { priority: null } }, '/changeset'],
      [{}, '/changeset'],
    ] as const) {
      const bad = await update(sam, taskId, payload);
      // then each is a 400 that points at the field
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json().code).toBe('VALIDATION_FAILED');
      expect(bad.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    expect((await t.engine.getTask(taskId)).priority).toBe(70);
  });

  it('answers 404 to a stranger, 403 to a staff member who is not the assignee, 409 on a closed task', async () => {
    // given
    const { taskId } = await open('plain');
    await t.engine.claimTask(taskId, SYSTEM, 'sam');
    // when / then
    const hidden = await update(olga, taskId, { changeset: { priority: 1 } });
    expect(hidden.statusCode, hidden.body).toBe(404);
    const forbidden = await update(kim, taskId, { changeset: { priority: 1 } });
    expect(forbidden.statusCode, forbidden.body).toBe(403);
    const missing = await update(sam, '00000000-0000-4000-8000-000000000000', { changeset: { priority: 1 } });
    expect(missing.statusCode).toBe(404);
    await t.engine.completeTask(taskId, {}, SYSTEM);
    const closed = await update(sam, taskId, { changeset: { priority: 1 } });
    expect(closed.statusCode, closed.body).toBe(409);
    expect(closed.json().code).toBe('TASK_NOT_ACTIVE');
  });

  it('holds an update for an updating listener that a worker corrects through the job API', async () => {
    // given
    const { taskId } = await open('checked');
    // when a manager raises the priority
    const asked = await update(mia, taskId, { changeset: { priority: 90, candidateUsers: ['kim'] } });
    // then the answer comes at once, the task updating; a second update is a conflict
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toMatchObject({ state: 'updating', priority: 50, candidateUsers: [] });
    const twice = await update(mia, taskId, { changeset: { priority: 10 } });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('TASK_NOT_ACTIVE');
    // when the worker fetches the listener's job and corrects the priority
    const fetched = await t.call(worker, {
      method: 'POST',
      url: '/api/jobs/fetch-and-lock',
      payload: { type: 'audit.update', workerId: 'w1' },
    });
    expect(fetched.statusCode, fetched.body).toBe(200);
    const [job] = fetched.json().items;
    expect(job).toMatchObject({
      elementId: 'checked',
      listener: { kind: 'taskListener', eventType: 'updating' },
      headers: {
        'io.camunda.zeebe:action': 'update',
        'io.camunda.zeebe:priority': '90',
        'io.camunda.zeebe:candidateUsers': '["kim"]',
      },
    });
    const done = await t.call(worker, {
      method: 'POST',
      url: `/api/jobs/${job.id}/complete`,
      payload: { workerId: 'w1', result: { corrections: { priority: 75 } } },
    });
    expect(done.statusCode, done.body).toBe(204);
    // then the update took effect with the correction, and kim may now take the task
    const task = await t.call(kim, { method: 'GET', url: `/api/tasks/${taskId}` });
    expect(task.statusCode, task.body).toBe(200);
    expect(task.json()).toMatchObject({ state: 'created', priority: 75, candidateUsers: ['kim'] });
  });
});
