import { MAX_WAITING_TRIGGERS } from '@baton/engine';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** Starts once both the order and the payment message have arrived (a parallel multiple start event). */
const bothProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs-both" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="both" isExecutable="true">
    <bpmn:startEvent id="all" parallelMultiple="true">
      <bpmn:messageEventDefinition messageRef="m1" />
      <bpmn:messageEventDefinition messageRef="m2" />
    </bpmn:startEvent>
    <bpmn:userTask id="ship" name="Ship" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="all" targetRef="ship" />
    <bpmn:sequenceFlow id="f2" sourceRef="ship" targetRef="end" />
  </bpmn:process>
  <bpmn:message id="m1" name="order-placed" />
  <bpmn:message id="m2" name="payment-received" />
</bpmn:definitions>`;

describe.each(dialects())('parallel multiple start events over HTTP on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  let sam: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
  });
  afterAll(async () => t?.close());

  const gatherings = async (session: Session, processId = 'both') =>
    t.call(session, { method: 'GET', url: `/api/processes/${processId}/start-gatherings` });
  const publish = (name: string, variables: Record<string, unknown>) =>
    t.call(sam, { method: 'POST', url: '/api/messages', payload: { name, variables } });

  it('starts the process only once both messages arrived; the gathering shows what happened meanwhile', async () => {
    // given
    const deployed = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: { xml: bothProcess },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    expect((await gatherings(dana)).json()).toEqual({ items: [] });
    // when the order arrives
    const first = await publish('order-placed', { item: 'ab-1' });
    // then no instance exists, and the gathering route shows the order and the missing payment
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ instanceId: null, gathered: { processId: 'both', startEventId: 'all' } });
    expect((await t.engine.listInstances({ processId: 'both' })).items).toEqual([]);
    const open = await gatherings(dana);
    expect(open.statusCode, open.body).toBe(200);
    expect(open.json().items).toEqual([
      {
        processId: 'both',
        definitionId: expect.any(String),
        version: 1,
        startEventId: 'all',
        correlationKey: null,
        openedAt: expect.any(String),
        triggers: [
          {
            kind: 'message',
            definition: 0,
            name: 'order-placed',
            correlationKey: null,
            arrivedAt: expect.any(String),
          },
        ],
        missing: [{ definition: 1, kind: 'message', name: 'payment-received' }],
        queued: 0,
      },
    ]);
    // when the payment arrives
    const second = await publish('payment-received', { amount: 30 });
    // then the instance exists with both payloads, and nothing is gathering any more
    expect(second.statusCode, second.body).toBe(200);
    const { instanceId } = second.json();
    expect(instanceId).toEqual(expect.any(String));
    const instance = await t.call(sam, { method: 'GET', url: `/api/instances/${instanceId}` });
    expect(instance.statusCode, instance.body).toBe(200);
    expect(instance.json()).toMatchObject({ processId: 'both', status: 'active' });
    expect(await t.engine.getInstance(instanceId)).toMatchObject({
      variables: { item: 'ab-1', amount: 30 },
      activeElements: { ship: 1 },
    });
    expect((await gatherings(dana)).json()).toEqual({ items: [] });
  });

  it('answers 409 START_GATHERING_FULL to a message once its gathering holds as many waiting triggers as it may', async () => {
    // given the order arrived once through the API and MAX_WAITING_TRIGGERS - 1 more times (queued)
    const first = await publish('order-placed', {});
    expect(first.statusCode, first.body).toBe(200);
    const [open] = (await gatherings(dana)).json().items;
    await sql`INSERT INTO start_gathering_triggers (definition_id, element_id, gathering_key, seq,
        definition_index, kind, name, correlation_key, variables, arrived_at)
      SELECT ${open.definitionId}::uuid, 'all', '', 1000 + n, 0, 'message', 'order-placed', NULL, '{}'::jsonb, now()
      FROM generate_series(1, ${MAX_WAITING_TRIGGERS - 1}) AS n`.execute(t.db);
    await sql`UPDATE start_gatherings SET next_seq = 1000 + ${MAX_WAITING_TRIGGERS}`.execute(t.db);
    // when one more arrives
    const refused = await publish('order-placed', {});
    // then it is refused with a clear conflict, and the payment still completes the open gathering
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'START_GATHERING_FULL' });
    const payment = await publish('payment-received', {});
    expect(payment.statusCode, payment.body).toBe(200);
    expect(payment.json().instanceId).toEqual(expect.any(String));
  });

  it('answers 404 for an unknown process and 403 for a role that may not list definitions', async () => {
    const unknown = await gatherings(dana, 'no-such-process');
    expect(unknown.statusCode, unknown.body).toBe(404);
    const refused = await gatherings(sam);
    expect(refused.statusCode, refused.body).toBe(403);
  });
});
