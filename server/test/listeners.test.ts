import { SYSTEM } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** A user task for staff with a start execution listener and a completing task listener. */
const checkedProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-checked" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="checked" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="approve" name="Approve">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="staff" />
        <zeebe:executionListeners>
          <zeebe:executionListener eventType="start" type="audit.enter" />
        </zeebe:executionListeners>
        <zeebe:taskListeners>
          <zeebe:taskListener eventType="completing" type="audit.approve" />
        </zeebe:taskListeners>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** A user task for staff whose assignee changes wait for an assigning task listener. */
const assignedProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-assigned" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="assigned" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="pick" name="Pick">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="staff" />
        <zeebe:taskListeners>
          <zeebe:taskListener eventType="assigning" type="audit.assign" />
        </zeebe:taskListeners>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pick" />
    <bpmn:sequenceFlow id="f2" sourceRef="pick" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** A process with one listener of its own (`start`: before its start event; `end`: before it completes). */
const processWithListener = (processId: string, listener: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:extensionElements>
      <zeebe:executionListeners>${listener}</zeebe:executionListeners>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="handle" name="Handle">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** A process whose start listener opens a case before its start event runs. */
const openedProcess = processWithListener(
  'opened',
  '<zeebe:executionListener eventType="start" type="audit.open" />',
);

/** A process whose end listener closes the case after its end event, before it completes. */
const closedProcess = processWithListener(
  'closed',
  '<zeebe:executionListener eventType="end" type="audit.close" retries="2" />',
);

describe.each(dialects())('listener jobs over HTTP on %s', (dialect) => {
  let t: TestApp;
  let sam: Session;
  let maya: Session;
  let worker: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.engine.deploy(checkedProcess);
    await t.engine.deploy(assignedProcess);
    await t.engine.deploy(openedProcess);
    await t.engine.deploy(closedProcess);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    maya = await t.userSession('maya', ['manager'], ['managers']);
    const wes = await t.userSession('wes', ['worker']);
    worker = await t.tokenSession(wes, 'auditor', ['jobs:audit.*']);
  });
  afterAll(async () => t?.close());

  const fetchJob = async (type: string) => {
    const res = await t.call(worker, {
      method: 'POST',
      url: '/api/jobs/fetch-and-lock',
      payload: { type, workerId: 'w1', fetchVariables: ['amount'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(1);
    return items[0];
  };
  const completeJob = (id: string, payload: Record<string, unknown>) =>
    t.call(worker, {
      method: 'POST',
      url: `/api/jobs/${id}/complete`,
      payload: { workerId: 'w1', ...payload },
    });
  const completeTask = (id: string) =>
    t.call(sam, {
      method: 'POST',
      url: `/api/tasks/${id}/complete`,
      payload: { variables: { approved: true } },
    });
  const task = async (id: string) => {
    const res = await t.call(sam, { method: 'GET', url: `/api/tasks/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('lets a worker token run the listeners: a start listener, then a completing listener that denies once', async () => {
    // given
    const { id } = await t.engine.startInstance({ processId: 'checked', variables: { amount: 40 } }, SYSTEM);
    // when the worker fetches the start listener's job
    const enter = await fetchJob('audit.enter');
    // then it is marked as a listener job, and a BPMN error from it is refused
    expect(enter).toMatchObject({
      elementId: 'approve',
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect(enter.variables).toEqual({ amount: 40 });
    const thrown = await t.call(worker, {
      method: 'POST',
      url: `/api/jobs/${enter.id}/bpmn-error`,
      payload: { workerId: 'w1', errorCode: 'NOPE' },
    });
    expect(thrown.statusCode, thrown.body).toBe(400);
    expect(thrown.json().code).toBe('INVALID_ARGUMENT');
    expect((await t.engine.listTasks({ instanceId: id })).items).toEqual([]);
    // when
    expect((await completeJob(enter.id, { variables: { checkedBy: 'bot' } })).statusCode).toBe(204);
    const [created] = (await t.engine.listTasks({ instanceId: id })).items;
    if (!created) throw new Error('no task');
    // when staff complete the task
    expect((await completeTask(created.id)).statusCode).toBe(204);
    // then the completion waits for the listener; a second completion is a conflict
    expect((await task(created.id)).state).toBe('completing');
    const twice = await completeTask(created.id);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('TASK_NOT_ACTIVE');
    // when the completing listener answers with variables (refused), then denies
    const approve = await fetchJob('audit.approve');
    expect(approve.listener).toEqual({ kind: 'taskListener', eventType: 'completing' });
    expect(approve.headers).toMatchObject({ 'io.camunda.zeebe:userTaskKey': created.id });
    expect((await completeJob(approve.id, { variables: { x: 1 } })).statusCode).toBe(400);
    const denied = await completeJob(approve.id, { result: { denied: true, deniedReason: 'over budget' } });
    expect(denied.statusCode, denied.body).toBe(204);
    // then the task is open again
    expect(await task(created.id)).toMatchObject({ state: 'created', completedBy: null });
    // when completed again and the listener corrects the priority
    expect((await completeTask(created.id)).statusCode).toBe(204);
    const again = await fetchJob('audit.approve');
    expect((await completeJob(again.id, { result: { corrections: { priority: 7 } } })).statusCode).toBe(204);
    // then
    expect(await task(created.id)).toMatchObject({ state: 'completed', priority: 7, completedBy: 'sam' });
    const instance = await t.engine.getInstance(id);
    expect(instance.status).toBe('completed');
    expect(instance.variables).toMatchObject({ approved: true, amount: 40 });
  });

  it('holds a claim for an assigning listener that a worker denies once, then lets through', async () => {
    // given
    const { id } = await t.engine.startInstance({ processId: 'assigned', variables: { amount: 3 } }, SYSTEM);
    const [open] = (await t.engine.listTasks({ instanceId: id })).items;
    if (!open) throw new Error('no task');
    const claim = () => t.call(sam, { method: 'POST', url: `/api/tasks/${open.id}/claim` });
    // when sam claims
    const first = await claim();
    // then the claim answers at once, the task assigning; a second claim is a conflict
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ state: 'assigning', assignee: null });
    const twice = await claim();
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('TASK_NOT_ACTIVE');
    // when the worker fetches the listener's job and denies
    const job = await fetchJob('audit.assign');
    expect(job).toMatchObject({
      elementId: 'pick',
      listener: { kind: 'taskListener', eventType: 'assigning' },
      headers: { 'io.camunda.zeebe:action': 'claim', 'io.camunda.zeebe:assignee': 'sam' },
    });
    const denied = await completeJob(job.id, { result: { denied: true, deniedReason: 'sam is on leave' } });
    expect(denied.statusCode, denied.body).toBe(204);
    // then nobody has the task
    expect(await task(open.id)).toMatchObject({ state: 'created', assignee: null });
    // when sam claims again and the worker agrees, correcting the due date
    expect((await claim()).statusCode).toBe(200);
    const again = await fetchJob('audit.assign');
    const agreed = await completeJob(again.id, {
      result: { corrections: { dueDate: '2030-01-02T03:04:05Z' } },
    });
    expect(agreed.statusCode, agreed.body).toBe(204);
    // then
    expect(await task(open.id)).toMatchObject({
      state: 'created',
      assignee: 'sam',
      dueAt: '2030-01-02T03:04:05.000Z',
    });
  });

  it("runs the process's start listener through the worker API before its start event", async () => {
    // given
    const { id } = await t.engine.startInstance({ processId: 'opened', variables: { amount: 12 } }, SYSTEM);
    // when the worker fetches the listener's job
    const open = await fetchJob('audit.open');
    // then nothing of the process ran yet
    expect(open).toMatchObject({
      elementId: 'start',
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect((await t.engine.listTasks({ instanceId: id })).items).toEqual([]);
    // when it completes with a variable
    expect((await completeJob(open.id, { variables: { caseNo: 'C-1' } })).statusCode).toBe(204);
    // then the process runs, with the listener's variable as its own
    const [created] = (await t.engine.listTasks({ instanceId: id })).items;
    expect(created).toMatchObject({ elementId: 'handle', state: 'created' });
    expect((await t.engine.getInstance(id)).variables).toMatchObject({ caseNo: 'C-1', amount: 12 });
  });

  it("runs the process's end listener through the worker API, and completes the instance only after it", async () => {
    // given
    const { id } = await t.engine.startInstance({ processId: 'closed', variables: { amount: 7 } }, SYSTEM);
    const [open] = (await t.engine.listTasks({ instanceId: id })).items;
    if (!open) throw new Error('no task');
    // when staff complete the last task
    expect((await completeTask(open.id)).statusCode).toBe(204);
    // then the instance is still active, its end listener's job listed and waiting at the end event
    const waiting = await t.call(maya, { method: 'GET', url: `/api/instances/${id}` });
    expect(waiting.statusCode, waiting.body).toBe(200);
    expect(waiting.json()).toMatchObject({ status: 'active', activeElements: { end: 1 } });
    const jobs = await t.call(maya, { method: 'GET', url: `/api/jobs?instanceId=${id}` });
    expect(jobs.statusCode, jobs.body).toBe(200);
    expect(jobs.json().items).toEqual([
      expect.objectContaining({
        jobType: 'audit.close',
        elementId: 'end',
        retries: 2,
        listener: { kind: 'executionListener', eventType: 'end' },
      }),
    ]);
    // when the worker fetches and completes it with a variable
    const close = await fetchJob('audit.close');
    expect(close).toMatchObject({
      elementId: 'end',
      listener: { kind: 'executionListener', eventType: 'end' },
    });
    expect(close.variables).toEqual({ amount: 7 });
    expect((await t.engine.getInstance(id)).status).toBe('active');
    expect((await completeJob(close.id, { variables: { closedBy: 'bot' } })).statusCode).toBe(204);
    // then the instance is completed, with the listener's variable as the process's
    const done = await t.call(maya, { method: 'GET', url: `/api/instances/${id}` });
    expect(done.json()).toMatchObject({ status: 'completed', activeElements: {} });
    expect((await t.engine.getInstance(id)).variables).toMatchObject({ closedBy: 'bot', approved: true });
    const history = await t.call(maya, { method: 'GET', url: `/api/instances/${id}/history` });
    const types = (history.json().items as { type: string; elementId: string | null }[]).map((e) =>
      `${e.type} ${e.elementId ?? ''}`.trim(),
    );
    expect(types.slice(-3)).toEqual([
      'listener.completed end',
      'variables.changed end',
      'instance.completed',
    ]);
  });

  it('refuses a job result that is not a listener answer, without a 500', async () => {
    const bad = await completeJob('00000000-0000-4000-8000-000000000000', { result: { denied: 'yes' } });
    expect(bad.statusCode).toBe(400);
  });
});
