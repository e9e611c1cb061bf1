import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';
import { systemIdentity } from '@baton/engine';

/** "draft" for sam, then "check" for the leads group. */
const twoSteps = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-two" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="two-steps" name="Two steps" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="draft" name="Draft the offer">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition assignee="sam" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="check" name="Check the offer">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition candidateGroups="leads" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="draft" />
    <bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="check" />
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe.each(dialects())('notifications when a task changes hands on %s', (dialect) => {
  let t: TestApp;
  let sam: Session;
  let lee: Session;
  let kim: Session;
  let instanceId: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    sam = await t.userSession('sam', ['staff'], ['staff']);
    lee = await t.userSession('lee', ['staff'], ['leads']);
    kim = await t.userSession('kim', ['staff'], ['leads']);
    await t.engine.deploy(twoSteps);
    instanceId = (await t.engine.startInstance({ processId: 'two-steps' }, systemIdentity('sam'))).id;
  });
  afterAll(async () => t?.close());

  const openTask = async (elementId: string) => {
    const page = await t.engine.listTasks({ instanceId, state: 'created' });
    const task = page.items.find((x) => x.elementId === elementId);
    if (!task) throw new Error(`no open ${elementId}`);
    return task;
  };
  const post = async (who: Session, taskId: string, action: string, payload: object) => {
    const res = await t.call(who, { method: 'POST', url: `/api/tasks/${taskId}/${action}`, payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
  };
  const sent = async () =>
    (await t.store.notifications.forInstance(instanceId)).map((n) => ({
      to: n.username,
      kind: n.data.kind,
      subject: n.subject,
      body: n.body,
    }));

  it('tells the new assignee of a hand-off, with the reason, and not the one who handed it off', async () => {
    // given sam holds the draft
    const draft = await openTask('draft');
    // when he hands it to lee
    await post(sam, draft.id, 'handoff', { toUser: 'lee', reason: 'I am on leave' });
    // then lee, and only lee, hears of it
    expect(await sent()).toEqual([
      {
        to: 'lee',
        kind: 'task.handedOff',
        subject: 'sam handed "Draft the offer" over to you',
        body: 'I am on leave',
      },
    ]);
    const [record] = await t.store.notifications.forInstance(instanceId);
    expect(record?.data).toEqual({
      kind: 'task.handedOff',
      taskId: draft.id,
      elementId: 'draft',
      task: 'Draft the offer',
      by: 'sam',
    });
    const lees = (await t.call(lee, { method: 'GET', url: '/api/notifications' })).json();
    expect(lees).toMatchObject({
      unread: 1,
      items: [{ subject: 'sam handed "Draft the offer" over to you' }],
    });
  });

  it('tells the members of the group a task is handed off to, leaving out the one who acts', async () => {
    // when lee hands the draft to his own group
    const draft = await openTask('draft');
    await post(lee, draft.id, 'handoff', { toGroup: 'leads', reason: 'For whoever is free' });
    // then kim hears of it, lee does not hear of his own hand-off
    const toGroup = (await sent()).filter((n) => n.body === 'For whoever is free');
    expect(toGroup.map((n) => n.to)).toEqual(['kim']);
  });

  it('tells the delegate of a delegation', async () => {
    // given kim took the draft from the group
    const draft = await openTask('draft');
    await post(kim, draft.id, 'claim', {});
    // when she delegates it to sam
    await post(kim, draft.id, 'delegate', { toUser: 'sam', reason: 'You know the customer' });
    // then sam hears of it
    const delegated = (await sent()).filter((n) => n.kind === 'task.delegated');
    expect(delegated).toEqual([
      {
        to: 'sam',
        kind: 'task.delegated',
        subject: 'kim delegated "Draft the offer" to you',
        body: 'You know the customer',
      },
    ]);
  });

  it('tells the assignee of the step a task is returned to', async () => {
    // given the draft resolved back to kim and completed; kim holds the check
    const draft = await openTask('draft');
    await post(sam, draft.id, 'resolve', { variables: {} });
    await post(kim, draft.id, 'complete', { variables: {} });
    const check = await openTask('check');
    await post(kim, check.id, 'claim', {});
    // when kim returns it to the draft
    await post(kim, check.id, 'return', { targetElementId: 'draft', reason: 'The price is missing' });
    // then sam, whom the draft step is assigned to, hears of it
    const returned = (await sent()).filter((n) => n.kind === 'task.returned');
    expect(returned).toEqual([
      {
        to: 'sam',
        kind: 'task.returned',
        subject: 'kim returned "Draft the offer" to you',
        body: 'The price is missing',
      },
    ]);
  });

  it('notifies nobody when the action is refused', async () => {
    // given
    const before = (await sent()).length;
    const draft = await openTask('draft');
    // when lee, who does not hold the task, tries to hand it off
    const res = await t.call(lee, {
      method: 'POST',
      url: `/api/tasks/${draft.id}/handoff`,
      payload: { toUser: 'kim', reason: 'not mine' },
    });
    // then
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect((await sent()).length).toBe(before);
  });
});
