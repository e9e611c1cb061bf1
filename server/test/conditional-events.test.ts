import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';
import { SYSTEM } from '@baton/engine';

/** `review` is interrupted by a conditional boundary when `withdrawn` turns true; `withdraw` runs beside it. */
const withdrawableProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-cond" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="withdrawable" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="fork" />
    <bpmn:userTask id="review">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="withdrawn" attachedToRef="review">
      <bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=withdrawn = true</bpmn:condition></bpmn:conditionalEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="withdraw">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="archive">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" /><bpmn:endEvent id="e3" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork" />
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="review" />
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="withdraw" />
    <bpmn:sequenceFlow id="f4" sourceRef="review" targetRef="e1" />
    <bpmn:sequenceFlow id="f5" sourceRef="withdraw" targetRef="e2" />
    <bpmn:sequenceFlow id="f6" sourceRef="withdrawn" targetRef="archive" />
    <bpmn:sequenceFlow id="f7" sourceRef="archive" targetRef="e3" />
  </bpmn:process>
  <bpmn:process id="heat-alarm" isExecutable="true">
    <bpmn:startEvent id="hot">
      <bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=temperature &gt; 30</bpmn:condition></bpmn:conditionalEventDefinition>
    </bpmn:startEvent>
    <bpmn:userTask id="cool">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="h-end" />
    <bpmn:sequenceFlow id="h1" sourceRef="hot" targetRef="cool" />
    <bpmn:sequenceFlow id="h2" sourceRef="cool" targetRef="h-end" />
  </bpmn:process>
  <bpmn:process id="noted-alarm" isExecutable="true">
    <bpmn:startEvent id="loud">
      <bpmn:extensionElements><zeebe:formDefinition formId="alarm-start" /></bpmn:extensionElements>
      <bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=noise &gt; 5</bpmn:condition></bpmn:conditionalEventDefinition>
    </bpmn:startEvent>
    <bpmn:endEvent id="n-end" />
    <bpmn:sequenceFlow id="n1" sourceRef="loud" targetRef="n-end" />
  </bpmn:process>
</bpmn:definitions>`;

/** The start form of noted-alarm: a note is required. */
const alarmStartForm = {
  type: 'object',
  properties: { noise: { type: 'number' }, note: { type: 'string', minLength: 1 } },
  required: ['note'],
};

/** Starts once the shipment message has arrived and the customs condition held (a parallel multiple start event). */
const clearedShipmentProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-cleared" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="cleared-shipment" isExecutable="true">
    <bpmn:startEvent id="arrived-and-cleared" parallelMultiple="true">
      <bpmn:messageEventDefinition messageRef="ms" />
      <bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=customs = "cleared"</bpmn:condition></bpmn:conditionalEventDefinition>
    </bpmn:startEvent>
    <bpmn:userTask id="deliver">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="delivered" />
    <bpmn:sequenceFlow id="c1" sourceRef="arrived-and-cleared" targetRef="deliver" />
    <bpmn:sequenceFlow id="c2" sourceRef="deliver" targetRef="delivered" />
  </bpmn:process>
  <bpmn:message id="ms" name="shipment-arrived" />
</bpmn:definitions>`;

describe.each(dialects())('conditional events over HTTP, on %s', (dialect) => {
  let t: TestApp;
  let sam: Session; // staff
  let olga: Session; // staff in "ops"
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    sam = await t.userSession('sam', ['staff'], ['staff']);
    olga = await t.userSession('olga', ['staff'], ['staff', 'ops']);
    await t.saveForm('alarm-start', alarmStartForm);
    await t.engine.deploy(withdrawableProcess);
  });
  afterAll(async () => t?.close());

  async function openTask(instanceId: string, elementId: string): Promise<{ id: string; state: string }> {
    const { items } = await t.engine.listTasks({ instanceId, elementId });
    const task = items[0];
    if (!task) throw new Error(`no task at ${elementId}`);
    return task;
  }

  it("cancels a user task through its conditional boundary when another task's completion sets the variable", async () => {
    // given review and withdraw are open
    const instance = await t.engine.startInstance({ processId: 'withdrawable' }, SYSTEM);
    const review = await openTask(instance.id, 'review');
    const withdraw = await openTask(instance.id, 'withdraw');
    // when sam completes withdraw with withdrawn = true
    const done = await t.call(sam, {
      method: 'POST',
      url: `/api/tasks/${withdraw.id}/complete`,
      payload: { variables: { withdrawn: true } },
    });
    expect(done.statusCode).toBe(204);
    // then review is cancelled and archive is open
    expect((await openTask(instance.id, 'review')).state).toBe('cancelled');
    expect((await t.engine.getInstance(instance.id)).activeElements).toEqual({ archive: 1 });
    expect((await openTask(instance.id, 'archive')).state).toBe('created');
    // and completing the cancelled review is refused, not a server error
    const late = await t.call(sam, {
      method: 'POST',
      url: `/api/tasks/${review.id}/complete`,
      payload: { variables: {} },
    });
    expect(late.statusCode).toBeGreaterThanOrEqual(400);
    expect(late.statusCode).toBeLessThan(500);
  });

  it('starts a process by its conditional start through the evaluate route', async () => {
    // when the condition does not hold
    const cold = await t.call(sam, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { temperature: 12 } },
    });
    expect(cold.statusCode).toBe(200);
    expect(cold.json()).toEqual({ started: [], gathered: [], notAllowed: [], failed: [] });
    // when it holds
    const hot = await t.call(sam, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { temperature: 35 } },
    });
    // then heat-alarm started, with the variables
    expect(hot.statusCode).toBe(200);
    const [started] = hot.json().started;
    expect(started).toMatchObject({ processId: 'heat-alarm', startEventId: 'hot' });
    const detail = await t.engine.getInstance(started.instanceId);
    expect(detail.variables).toEqual({ temperature: 35 });
    expect(detail.activeElements).toEqual({ cool: 1 });
  });

  it("checks the variables against the start event's form before anything starts", async () => {
    // when the variables lack what the start form requires
    const bad = await t.call(sam, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { noise: 9 } },
    });
    // then 400 naming the field, and no instance
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('note');
    expect((await t.engine.listInstances({ processId: 'noted-alarm' })).items).toHaveLength(0);
    // when they satisfy it
    const ok = await t.call(sam, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { noise: 9, note: 'the fan' } },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().started.map((s: { processId: string }) => s.processId)).toEqual(['noted-alarm']);
  });

  it('refuses a caller who may not start the process, anonymous callers and a malformed body', async () => {
    // given only "ops" may start heat-alarm
    await t.engine.setProcessAccess('heat-alarm', 'starters', ['ops'], SYSTEM);
    const before = (await t.engine.listInstances({ processId: 'heat-alarm' })).items.length;
    // when sam names it
    const named = await t.call(sam, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { temperature: 40 }, processId: 'heat-alarm' },
    });
    // then 403, with a problem code
    expect(named.statusCode).toBe(403);
    expect(named.json().code).toBe('FORBIDDEN');
    // when sam evaluates across processes, the refusal is reported
    const across = await t.call(sam, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { temperature: 40 } },
    });
    expect(across.json()).toEqual({ started: [], gathered: [], notAllowed: ['heat-alarm'], failed: [] });
    // anonymous: 401; a malformed body: 400
    const anonymous = await t.call(null, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { temperature: 40 } },
    });
    expect(anonymous.statusCode).toBe(401);
    const malformed = await t.call(olga, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: 'hot' },
    });
    expect(malformed.statusCode).toBe(400);
    // nothing started by any of them
    expect((await t.engine.listInstances({ processId: 'heat-alarm' })).items).toHaveLength(before);
    // and olga, a starter, starts it
    const ok = await t.call(olga, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { temperature: 40 }, processId: 'heat-alarm' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().started).toHaveLength(1);
  });

  it('gathers a condition of a parallel multiple start event and starts the process once its message arrives too', async () => {
    // given
    await t.engine.deploy(clearedShipmentProcess);
    const instances = async () => (await t.engine.listInstances({ processId: 'cleared-shipment' })).items;
    // when the condition holds
    const cleared = await t.call(sam, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { customs: 'cleared', broker: 'li' }, processId: 'cleared-shipment' },
    });
    // then the answer says it was gathered, and nothing started
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toEqual({
      started: [],
      gathered: [{ processId: 'cleared-shipment', startEventId: 'arrived-and-cleared', instanceId: null }],
      notAllowed: [],
      failed: [],
    });
    expect(await instances()).toEqual([]);
    const [open] = await t.engine.listStartGatherings({ processId: 'cleared-shipment' });
    expect(open).toMatchObject({
      triggers: [{ kind: 'conditional', definition: 1, name: null }],
      missing: [{ definition: 0, kind: 'message', name: 'shipment-arrived' }],
    });
    // when the message arrives
    const arrived = await t.call(sam, {
      method: 'POST',
      url: '/api/messages',
      payload: { name: 'shipment-arrived', variables: { parcel: 'p-7' } },
    });
    // then one instance started with both payloads
    expect(arrived.statusCode, arrived.body).toBe(200);
    const { instanceId } = arrived.json();
    expect(instanceId).toEqual(expect.any(String));
    expect(arrived.json().gathered).toEqual({
      processId: 'cleared-shipment',
      startEventId: 'arrived-and-cleared',
    });
    const detail = await t.engine.getInstance(instanceId);
    expect(detail.variables).toEqual({ customs: 'cleared', broker: 'li', parcel: 'p-7' });
    expect(detail.activeElements).toEqual({ deliver: 1 });
    expect(await t.engine.listStartGatherings({ processId: 'cleared-shipment' })).toEqual([]);

    // when the message comes first and the condition last
    const early = await t.call(sam, {
      method: 'POST',
      url: '/api/messages',
      payload: { name: 'shipment-arrived', variables: { parcel: 'p-8' } },
    });
    expect(early.json()).toEqual({
      instanceId: null,
      gathered: { processId: 'cleared-shipment', startEventId: 'arrived-and-cleared' },
    });
    const last = await t.call(sam, {
      method: 'POST',
      url: '/api/conditions/evaluate',
      payload: { variables: { customs: 'cleared' } },
    });
    // then the answer names the instance the condition started
    expect(last.statusCode, last.body).toBe(200);
    const [second] = last.json().started;
    expect(second).toMatchObject({ processId: 'cleared-shipment', startEventId: 'arrived-and-cleared' });
    expect(last.json().gathered).toEqual([
      { processId: 'cleared-shipment', startEventId: 'arrived-and-cleared', instanceId: second.instanceId },
    ]);
    expect((await t.engine.getInstance(second.instanceId)).variables).toEqual({
      parcel: 'p-8',
      customs: 'cleared',
    });
    expect(await instances()).toHaveLength(2);
  });
});
