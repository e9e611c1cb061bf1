import { SYSTEM } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** A service task of type `payroll.pay` with one input mapping, then a user task for staff. */
const payrollProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-payroll" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="payroll" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="pay" name="Pay">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="payroll.pay" />
        <zeebe:ioMapping><zeebe:input source="=employee" target="payee" /></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pay" />
    <bpmn:sequenceFlow id="f2" sourceRef="pay" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** Started by the message `claim-filed`, with the expense start form. */
const intakeProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-intake" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="filed" name="claim-filed" />
  <bpmn:process id="intake" isExecutable="true">
    <bpmn:startEvent id="by-message">
      <bpmn:extensionElements><zeebe:formDefinition formId="expense-start" /></bpmn:extensionElements>
      <bpmn:messageEventDefinition messageRef="filed" />
    </bpmn:startEvent>
    <bpmn:userTask id="triage"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="by-message" targetRef="triage" />
    <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/**
 * The engine's policy seen through the API: the routes only pass the caller's identity (with a
 * token's scopes) down, and the engine decides in the transaction that acts.
 */
describe.each(dialects())('the engine policy over HTTP on %s', (dialect) => {
  let t: TestApp;
  let sam: Session;
  let wes: Session;
  let sue: Session;
  const tokenOf = (who: Session, scopes: string[], name = `t-${scopes.join('-')}`) =>
    t.tokenSession(who, name, scopes);

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    await t.engine.deploy(expenseProcess());
    await t.engine.deploy(payrollProcess);
    await t.engine.deploy(intakeProcess);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    sue = await t.userSession('sue', ['staff'], ['staff', 'sales']);
    wes = await t.userSession('wes', ['worker']);
    await t.createUser({ username: 'ada', roles: ['admin'] });
  });
  afterAll(async () => t?.close());

  const reviewTask = async () => {
    const started = await t.call(sam, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'expense', variables: { title: 'Taxi', amount: 12 } },
    });
    expect(started.statusCode, started.body).toBe(201);
    const tasks = await t.engine.listTasks({ instanceId: started.json().id });
    return tasks.items[0]!.id;
  };

  it('lets a token work on tasks only with the tasks scope', async () => {
    const readOnly = await tokenOf(sam, ['read']);
    const working = await tokenOf(sam, ['read', 'tasks']);
    const id = await reviewTask();
    const complete = (who: Session) =>
      t.call(who, {
        method: 'POST',
        url: `/api/tasks/${id}/complete`,
        payload: { variables: { decision: 'ok' } },
      });
    const refused = await complete(readOnly);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('FORBIDDEN');
    expect((await t.engine.getTask(id)).state).toBe('created');
    expect((await complete(working)).statusCode).toBe(204);
    expect(await t.engine.getTask(id)).toMatchObject({
      state: 'completed',
      completedBy: 'sam',
      assignee: 'sam',
    });
  });

  it('checks the form only for a caller the policy allows', async () => {
    const id = await reviewTask();
    const stranger = await t.userSession('otto', ['staff'], ['ops']);
    const bad = { variables: { decision: 'maybe' } };
    const hidden = await t.call(stranger, { method: 'POST', url: `/api/tasks/${id}/complete`, payload: bad });
    expect(hidden.statusCode).toBe(404);
    const invalid = await t.call(sam, { method: 'POST', url: `/api/tasks/${id}/complete`, payload: bad });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors[0].pointer).toBe('/decision');
  });

  it('lets only a worker token with a matching jobs scope fetch, and shows it only mapped variables', async () => {
    await t.engine.startInstance(
      { processId: 'payroll', variables: { employee: 'kim', salary: 5200 } },
      SYSTEM,
    );
    const fetch = (who: Session, type = 'payroll.pay') =>
      t.call(who, { method: 'POST', url: '/api/jobs/fetch-and-lock', payload: { type, workerId: 'w1' } });
    // a staff member can neither mint a worker token nor fetch as a session
    const mint = await t.call(sam, {
      method: 'POST',
      url: '/api/tokens',
      payload: { name: 'x', scopes: ['jobs:*'] },
    });
    expect(mint.statusCode).toBe(403);
    expect((await fetch(sam)).statusCode).toBe(403);
    const mail = await tokenOf(wes, ['jobs:mail.*'], 'mailer');
    expect((await fetch(mail)).statusCode).toBe(403);
    const payroll = await tokenOf(wes, ['jobs:payroll.*'], 'payroll-worker');
    const fetched = await fetch(payroll);
    expect(fetched.statusCode, fetched.body).toBe(200);
    const [job] = fetched.json().items;
    expect(job.variables).toEqual({ payee: 'kim' });
    // another worker's token learns nothing of the job
    const report = (who: Session) =>
      t.call(who, { method: 'POST', url: `/api/jobs/${job.id}/complete`, payload: { workerId: 'w1' } });
    expect((await report(mail)).statusCode).toBe(404);
    expect((await report(payroll)).statusCode).toBe(204);
    const history = await t.engine.getHistory(job.instanceId);
    expect(history.find((e) => e.type === 'element.completed' && e.elementId === 'pay')?.actor).toBe(
      'token:payroll-worker',
    );
  });

  it('starts by message only for the process starters, with the start form and the starter recorded', async () => {
    await t.engine.setProcessAccess('intake', 'starters', ['sales'], SYSTEM);
    const send = (who: Session, variables: Record<string, unknown>) =>
      t.call(who, { method: 'POST', url: '/api/messages', payload: { name: 'claim-filed', variables } });
    const valid = { title: 'Broken chair', amount: 40 };
    // a staff member's token with every message scope still is no starter of this process
    const samMessages = await t.call(sam, {
      method: 'POST',
      url: '/api/tokens',
      payload: { name: 'm', scopes: ['messages:*'] },
    });
    expect(samMessages.statusCode).toBe(403);
    expect((await send(sam, valid)).statusCode).toBe(403);
    const wrong = await send(sue, { title: '' });
    expect(wrong.statusCode).toBe(400);
    const started = await send(sue, valid);
    expect(started.statusCode, started.body).toBe(200);
    expect((await t.engine.getInstance(started.json().instanceId)).startedBy).toBe('sue');
  });

  it('gives a deleted user’s open tasks back to their candidates, saying so in history', async () => {
    const leaving = await t.userSession('lee', ['staff'], ['staff']);
    const id = await reviewTask();
    expect((await t.call(leaving, { method: 'POST', url: `/api/tasks/${id}/claim` })).statusCode).toBe(200);
    const admin = await t.login('ada');
    const user = (await t.store.users.getByUsername('lee'))!;
    expect((await t.call(admin, { method: 'DELETE', url: `/api/users/${user.id}` })).statusCode).toBe(204);
    const task = await t.engine.getTask(id);
    expect(task.assignee).toBeNull();
    const released = (await t.engine.getHistory(task.instanceId)).filter((e) => e.type === 'task.unclaimed');
    expect(released.at(-1)).toMatchObject({ actor: 'ada', data: { released: 'lee', reason: 'deleted' } });
  });

  it('answers a leap second in the instance list’s dates, never with a 500', async () => {
    const res = await t.call(sam, {
      method: 'GET',
      url: '/api/instances?startedBefore=2016-12-31T23:59:60Z',
    });
    expect(res.statusCode).toBe(200);
  });
});
