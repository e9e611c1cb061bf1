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

/** A UNIQUE table whose rules overlap from 4 to 6. */
const gradeDmn = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="grading" name="Grading" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="grade" name="Grade">
    <decisionTable id="gradeTable" hitPolicy="UNIQUE">
      <input id="scoreInput" label="Score">
        <inputExpression id="scoreExpr" typeRef="number"><text>score</text></inputExpression>
      </input>
      <output id="gradeOutput" name="grade" typeRef="string" />
      <rule id="pass"><inputEntry id="g1"><text>&lt;= 6</text></inputEntry><outputEntry id="go1"><text>"pass"</text></outputEntry></rule>
      <rule id="merit"><inputEntry id="g2"><text>&gt;= 4</text></inputEntry><outputEntry id="go2"><text>"merit"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

/** A table that tests a date (typeRef date) and gives a date, written as Camunda Modeler writes one. */
const renewalDmn = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="renewals" name="Renewals" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="renewal" name="Renewal">
    <decisionTable id="renewalTable">
      <input id="expiresInput" label="Expires">
        <inputExpression id="expiresExpr" typeRef="date"><text>expires</text></inputExpression>
      </input>
      <output id="noticeOutput" name="notice" typeRef="date" />
      <rule id="soon"><inputEntry id="r1"><text>&lt; date("2026-07-01")</text></inputEntry><outputEntry id="ro1"><text>date(expires) - duration("P30D")</text></outputEntry></rule>
      <rule id="later"><inputEntry id="r2"><text>&gt;= date("2026-07-01")</text></inputEntry><outputEntry id="ro2"><text>date(expires) - duration("P90D")</text></outputEntry></rule>
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

  it('reads one version with its file by id, and 404s an unknown or malformed id', async () => {
    // given a deployed file with one decision
    const deployed = await t.call(dana, {
      method: 'POST',
      url: '/api/decisions',
      payload: { xml: gradeDmn },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    const id = deployed.json().decisions[0].id;

    // when it is read by id
    const res = await t.call(dana, { method: 'GET', url: `/api/decisions/${id}` });

    // then the answer is the summary and the whole file
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, decisionId: 'grade', version: 1, xml: gradeDmn });
    const unknown = await t.call(dana, {
      method: 'GET',
      url: '/api/decisions/00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('DECISION_NOT_FOUND');
    const malformed = await t.call(dana, { method: 'GET', url: '/api/decisions/not-a-uuid' });
    expect(malformed.statusCode).toBe(400);
  });

  it('evaluates a decision on its own: the latest version, or the one asked for, with matched rules', async () => {
    // given two versions of the discount table (gold rate 0.1, then 0.25)
    await t.call(dana, { method: 'POST', url: '/api/decisions', payload: { xml: discountDmn('0.1') } });
    const second = await t.call(dana, {
      method: 'POST',
      url: '/api/decisions',
      payload: { xml: discountDmn('0.25') },
    });
    const latestVersion = second.json().decisions[0].version;
    expect(latestVersion).toBeGreaterThan(1);

    // when a gold order of 150 is evaluated against the latest and against version 1
    const latest = await t.call(dana, {
      method: 'POST',
      url: '/api/decisions/evaluate',
      payload: { decisionId: 'discount', variables: { customer: 'gold', total: 150 } },
    });
    const first = await t.call(dana, {
      method: 'POST',
      url: '/api/decisions/evaluate',
      payload: { decisionId: 'discount', version: 1, variables: { customer: 'gold', total: 150 } },
    });

    // then each answers its own rate and the matched rule (FIRST: only the first one)
    expect(latest.statusCode, latest.body).toBe(200);
    expect(latest.json()).toEqual({
      decisionId: 'discount',
      version: latestVersion,
      result: 0.25,
      evaluations: [
        { decisionId: 'discount', decisionName: 'Discount', matchedRuleIds: ['goldBig'], result: 0.25 },
      ],
    });
    expect(first.json()).toMatchObject({ version: 1, result: 0.1 });
  });

  it('answers 404 for an unknown decision or version, 422 for a failing one, 400 with pointers for a bad body', async () => {
    // given a UNIQUE table whose two rules both hold for grade 5
    await t.call(dana, { method: 'POST', url: '/api/decisions', payload: { xml: gradeDmn } });
    const evaluate = (payload: unknown) =>
      t.call(dana, { method: 'POST', url: '/api/decisions/evaluate', payload: payload as object });

    // then an unknown decision or version is 404
    const unknown = await evaluate({ decisionId: 'no-such-decision', variables: {} });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('DECISION_NOT_FOUND');
    expect((await evaluate({ decisionId: 'grade', version: 99 })).statusCode).toBe(404);
    // a violated hit policy is 422 with the message
    const failing = await evaluate({ decisionId: 'grade', variables: { score: 5 } });
    expect(failing.statusCode).toBe(422);
    expect(failing.json().code).toBe('DECISION_EVALUATION_FAILED');
    expect(failing.json().detail).toMatch(/UNIQUE.*pass.*merit/);
    // a malformed body is 400 naming the fields
    const bad = await evaluate({ decisionId: '', version: 'two', variables: [] });
    expect(bad.statusCode).toBe(400);
    const text = JSON.stringify(bad.json());
    expect(text).toContain('/decisionId');
    expect(text).toContain('/version');
    // and a signed-in user without a designer or manager role may not evaluate
    const refused = await t.call(sam, {
      method: 'POST',
      url: '/api/decisions/evaluate',
      payload: { decisionId: 'grade', variables: { score: 1 } },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('converts a date input by its typeRef and answers 422 naming the input when a value is not a date', async () => {
    // given a table whose input and output are typed date
    const deployed = await t.call(dana, {
      method: 'POST',
      url: '/api/decisions',
      payload: { xml: renewalDmn },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    const evaluate = (expires: unknown) =>
      t.call(dana, {
        method: 'POST',
        url: '/api/decisions/evaluate',
        payload: { decisionId: 'renewal', variables: { expires } },
      });
    // when dates arrive as ISO strings, as JSON carries them
    const soon = await evaluate('2026-03-15');
    const later = await evaluate('2026-12-31');
    // then the unary tests compared dates, and the date result is an ISO string
    expect(soon.statusCode, soon.body).toBe(200);
    expect(soon.json()).toMatchObject({ result: '2026-02-13', evaluations: [{ matchedRuleIds: ['soon'] }] });
    expect(later.json()).toMatchObject({
      result: '2026-10-02',
      evaluations: [{ matchedRuleIds: ['later'] }],
    });
    // and a value that is not a date is 422, naming the input
    const failing = await evaluate('someday');
    expect(failing.statusCode).toBe(422);
    expect(failing.json().code).toBe('DECISION_EVALUATION_FAILED');
    expect(failing.json().detail).toMatch(
      /input 'expiresInput' \(typeRef date\): cannot convert string "someday" to a date/,
    );
  });

  it('refuses a DMN file whose typeRef names no known type, on the element id', async () => {
    const deployed = await t.call(dana, {
      method: 'POST',
      url: '/api/decisions',
      payload: { xml: renewalDmn.replace('typeRef="date"><text>', 'typeRef="tExpiry"><text>') },
    });
    expect(deployed.statusCode).toBe(400);
    expect(JSON.stringify(deployed.json())).toContain('expiresInput');
    expect(JSON.stringify(deployed.json())).toContain("typeRef 'tExpiry'");
  });

  it('keeps each evaluation on its own and lists it by decision id, newest first, for designers and managers', async () => {
    // given the grade table, evaluated by dana (a designer) and then by a manager
    await t.call(dana, { method: 'POST', url: '/api/decisions', payload: { xml: gradeDmn } });
    const mia = await t.userSession('mia', ['manager']);
    const byDana = await t.call(dana, {
      method: 'POST',
      url: '/api/decisions/evaluate',
      payload: { decisionId: 'grade', variables: { score: 2 } },
    });
    expect(byDana.statusCode, byDana.body).toBe(200);
    await t.call(mia, {
      method: 'POST',
      url: '/api/decisions/evaluate',
      payload: { decisionId: 'grade', variables: { score: 9 } },
    });
    // a failing evaluation (both rules hold for 5) is not kept
    expect(
      (
        await t.call(mia, {
          method: 'POST',
          url: '/api/decisions/evaluate',
          payload: { decisionId: 'grade', variables: { score: 5 } },
        })
      ).statusCode,
    ).toBe(422);

    // when the evaluations of grade are listed
    const listed = await t.call(mia, { method: 'GET', url: '/api/decisions/grade/evaluations' });

    // then both kept ones are there, newest first, with who asked, the rules, inputs and result
    expect(listed.statusCode, listed.body).toBe(200);
    const body = listed.json();
    expect(body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(body.items.map((e: { evaluatedBy: string }) => e.evaluatedBy).sort()).toEqual(['dana', 'mia']);
    const danas = body.items.find((e: { evaluatedBy: string }) => e.evaluatedBy === 'dana');
    expect(danas).toMatchObject({
      decisionId: 'grade',
      version: 1,
      matchedRuleIds: ['pass'],
      inputs: { score: 2 },
      result: 'pass',
      evaluations: [{ decisionId: 'grade', matchedRuleIds: ['pass'], result: 'pass' }],
    });
    expect(Number.isNaN(Date.parse(danas.evaluatedAt))).toBe(false);
    // and a page, an unknown decision (no records), a bad query and a user without the roles
    const page = await t.call(dana, {
      method: 'GET',
      url: '/api/decisions/grade/evaluations?limit=1&offset=1',
    });
    expect(page.json()).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.json().items).toHaveLength(1);
    const none = await t.call(dana, { method: 'GET', url: '/api/decisions/nothing-here/evaluations' });
    expect(none.json()).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    expect(
      (await t.call(dana, { method: 'GET', url: '/api/decisions/grade/evaluations?limit=0' })).statusCode,
    ).toBe(400);
    expect((await t.call(sam, { method: 'GET', url: '/api/decisions/grade/evaluations' })).statusCode).toBe(
      403,
    );
  });
});
