import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const task = (id: string, extra = '') => `<bpmn:userTask id="${id}"${extra}>
  <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition assignee="maya" /></bpmn:extensionElements>
</bpmn:userTask>`;

/** A booking in a transaction: a declined payment cancels it, which releases the reserved seat. */
const bookingProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-seat" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="seat-booking" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:transaction id="tx" name="Book a seat">
      <bpmn:startEvent id="txStart" />
      <bpmn:task id="reserve" name="Reserve the seat" />
      ${task('pay')}
      <bpmn:exclusiveGateway id="paid" default="declined" />
      <bpmn:endEvent id="booked" />
      <bpmn:endEvent id="cancelEnd"><bpmn:cancelEventDefinition /></bpmn:endEvent>
      <bpmn:boundaryEvent id="reserveComp" attachedToRef="reserve"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>
      ${task('release', ' isForCompensation="true"')}
      <bpmn:sequenceFlow id="t1" sourceRef="txStart" targetRef="reserve" />
      <bpmn:sequenceFlow id="t2" sourceRef="reserve" targetRef="pay" />
      <bpmn:sequenceFlow id="t3" sourceRef="pay" targetRef="paid" />
      <bpmn:sequenceFlow id="accepted" sourceRef="paid" targetRef="booked"><bpmn:conditionExpression>=ok</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="declined" sourceRef="paid" targetRef="cancelEnd" />
      <bpmn:association id="a1" sourceRef="reserveComp" targetRef="release" />
    </bpmn:transaction>
    <bpmn:boundaryEvent id="cancelled" attachedToRef="tx"><bpmn:cancelEventDefinition /></bpmn:boundaryEvent>
    <bpmn:endEvent id="done" />
    <bpmn:endEvent id="notBooked" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="tx" />
    <bpmn:sequenceFlow id="f2" sourceRef="tx" targetRef="done" />
    <bpmn:sequenceFlow id="f3" sourceRef="cancelled" targetRef="notBooked" />
  </bpmn:process>
</bpmn:definitions>`;

describe.each(dialects())('compensation over HTTP on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  let maya: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
    maya = await t.userSession('maya', ['manager'], ['managers']);
  });
  afterAll(async () => t?.close());

  async function openTask(instanceId: string): Promise<{ id: string; elementId: string }> {
    const res = await t.call(maya, { method: 'GET', url: `/api/tasks?scope=all&instanceId=${instanceId}` });
    const open = res.json().items as { id: string; elementId: string; state: string }[];
    const created = open.filter((x) => x.state === 'created');
    expect(created, res.body).toHaveLength(1);
    return created[0] as { id: string; elementId: string };
  }

  async function complete(taskId: string, variables: Record<string, unknown>): Promise<void> {
    const res = await t.call(maya, {
      method: 'POST',
      url: `/api/tasks/${taskId}/complete`,
      payload: { variables },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
  }

  it('cancels a transaction on a declined payment, compensates the reservation and shows it in the history', async () => {
    // given
    const deployed = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: { xml: bookingProcess },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    const started = await t.call(maya, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'seat-booking' },
    });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json().id as string;
    // when
    const pay = await openTask(id);
    expect(pay.elementId).toBe('pay');
    await complete(pay.id, { ok: false });
    // then the handler runs inside the transaction
    const release = await openTask(id);
    expect(release.elementId).toBe('release');
    const running = await t.call(maya, { method: 'GET', url: `/api/instances/${id}` });
    expect(running.json()).toMatchObject({
      status: 'active',
      activeElements: { tx: 1, cancelEnd: 1, release: 1 },
    });
    // when
    await complete(release.id, {});
    // then the transaction is left by its cancel boundary event
    const detail = await t.call(maya, { method: 'GET', url: `/api/instances/${id}` });
    expect(detail.json()).toMatchObject({ status: 'completed' });
    expect(detail.json().completedElementIds).toEqual(expect.arrayContaining(['cancelled', 'notBooked']));
    expect(detail.json().completedElementIds).not.toContain('done');
    const history = await t.call(maya, { method: 'GET', url: `/api/instances/${id}/history` });
    const items = history.json().items as { type: string; elementId: string; data: unknown }[];
    expect(items.filter((e) => e.type === 'compensation.started')).toEqual([
      expect.objectContaining({
        elementId: 'reserve',
        data: { handlerId: 'release', thrownBy: 'cancelEnd' },
      }),
    ]);
    expect(items.filter((e) => e.type === 'transaction.cancelled')).toEqual([
      expect.objectContaining({
        elementId: 'tx',
        data: { endEventId: 'cancelEnd', boundaryEventId: 'cancelled' },
      }),
    ]);
  });

  it('refuses a cancel end event outside a transaction, naming it', async () => {
    // given
    const xml = bookingProcess
      .replace(
        '<bpmn:endEvent id="notBooked" />',
        '<bpmn:endEvent id="notBooked"><bpmn:cancelEventDefinition /></bpmn:endEvent>',
      )
      .replace('id="seat-booking"', 'id="seat-booking-bad"');
    // when
    const res = await t.call(dana, { method: 'POST', url: '/api/definitions', payload: { xml } });
    // then
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('DEFINITION_INVALID');
    expect(res.json().issues.map((i: { elementId: string; code: string }) => [i.elementId, i.code])).toEqual([
      ['notBooked', 'transaction.invalid'],
    ]);
  });
});
