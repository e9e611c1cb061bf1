import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** A decision table written the way Camunda Modeler writes one, and a process calling it. */
const discountDmn = (goldRate: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="pricing" name="Pricing" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="discount" name="Discount">
    <decisionTable id="discountTable" hitPolicy="FIRST">
      <input id="customerInput" label="Customer">
        <inputExpression id="customerExpr" typeRef="string"><text>customer</text></inputExpression>
      </input>
      <input id="totalInput" label="Order total">
        <inputExpression id="totalExpr" typeRef="number"><text>total</text></inputExpression>
      </input>
      <output id="rateOutput" name="rate" typeRef="number" />
      <rule id="goldBig"><inputEntry id="e1"><text>"gold"</text></inputEntry><inputEntry id="e2"><text>&gt;= 100</text></inputEntry><outputEntry id="o1"><text>${goldRate}</text></outputEntry></rule>
      <rule id="everyone"><inputEntry id="e3"><text>-</text></inputEntry><inputEntry id="e4"><text>-</text></inputEntry><outputEntry id="o2"><text>0</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

const orderProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-order" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="order-pricing" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:businessRuleTask id="price" name="Price the order">
      <bpmn:extensionElements>
        <zeebe:calledDecision decisionId="discount" resultVariable="discountRate" />
      </bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="price" />
    <bpmn:sequenceFlow id="f2" sourceRef="price" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe.each(dialects())('DMN decisions over HTTP on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  let sam: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
    sam = await t.userSession('sam', []);
  });
  afterAll(async () => t?.close());

  it('deploys a .dmn and a .bpmn, runs the business rule task and shows the result and its evaluation', async () => {
    // given: the decision deployed as raw XML, the process as JSON
    const deployed = await t.call(dana, {
      method: 'POST',
      url: '/api/decisions',
      headers: { 'content-type': 'application/xml' },
      payload: discountDmn('0.1'),
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    expect(deployed.json().decisions).toEqual([
      expect.objectContaining({
        decisionId: 'discount',
        version: 1,
        name: 'Discount',
        decisionRequirementsId: 'pricing',
        deployedBy: 'dana',
        isNew: true,
      }),
    ]);
    const again = await t.call(dana, {
      method: 'POST',
      url: '/api/decisions',
      payload: { xml: discountDmn('0.1') },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().decisions[0]).toMatchObject({ version: 1, isNew: false });
    const process = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: { xml: orderProcess },
    });
    expect(process.statusCode, process.body).toBe(201);
    // when
    const started = await t.call(dana, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'order-pricing', variables: { customer: 'gold', total: 250 } },
    });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json().id as string;
    // then the result variable holds the single output's value
    const detail = await t.call(dana, { method: 'GET', url: `/api/instances/${id}` });
    expect(detail.json()).toMatchObject({ status: 'completed', variables: { discountRate: 0.1 } });
    // and the timeline shows the evaluation
    const history = await t.call(dana, { method: 'GET', url: `/api/instances/${id}/history` });
    const evaluated = history.json().items.find((e: { type: string }) => e.type === 'decision.evaluated');
    expect(evaluated).toMatchObject({
      elementId: 'price',
      data: { decisionId: 'discount', decisionVersion: 1, matchedRuleIds: ['goldBig'], result: 0.1 },
    });
    // and the decision is listed
    const list = await t.call(dana, { method: 'GET', url: '/api/decisions?decisionId=discount' });
    expect(list.json()).toMatchObject({ total: 1, items: [{ decisionId: 'discount', version: 1 }] });
  });

  it('answers 400 with every problem of a bad DMN file, on its element ids', async () => {
    const bad = discountDmn('0.1 +').replace('<text>"gold"</text>', '<text>&gt;= </text>');
    const res = await t.call(dana, { method: 'POST', url: '/api/decisions', payload: { xml: bad } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('DEFINITION_INVALID');
    expect(res.json().issues.map((i: { elementId: string; code: string }) => [i.elementId, i.code])).toEqual([
      ['goldBig', 'feel.syntax'],
      ['goldBig', 'feel.syntax'],
    ]);
    const notXml = await t.call(dana, { method: 'POST', url: '/api/decisions', payload: { xml: '<oops' } });
    expect(notXml.statusCode).toBe(400);
    expect(notXml.json().issues[0].code).toBe('xml.malformed');
  });

  it('refuses a deploy from a user who does not design processes', async () => {
    const res = await t.call(sam, {
      method: 'POST',
      url: '/api/decisions',
      payload: { xml: discountDmn('0.2') },
    });
    expect(res.statusCode).toBe(403);
  });
});
