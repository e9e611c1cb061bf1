import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

// A file as Camunda Modeler (Camunda 8 mode) saves it: the review form embedded in the process.
const MODELER_FILE = readFileSync(new URL('./fixtures/embedded-form.bpmn', import.meta.url), 'utf8');

describe.each(dialects())('embedded Camunda Forms over HTTP on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  let fay: Session;
  let taskId: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
    fay = await t.userSession('fay', ['staff'], ['finance']);
    const deployed = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: MODELER_FILE,
      headers: { 'content-type': 'application/xml' },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    const started = await t.call(fay, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'expense-claim', variables: {} },
    });
    expect(started.statusCode, started.body).toBe(201);
    const tasks = await t.call(fay, { method: 'GET', url: `/api/tasks?instanceId=${started.json().id}` });
    taskId = tasks.json().items[0].id;
  });
  afterAll(async () => t?.close());

  const complete = (variables: Record<string, unknown>) =>
    t.call(fay, { method: 'POST', url: `/api/tasks/${taskId}/complete`, payload: { variables } });

  it('opens the task with the converted form', async () => {
    // when
    const res = await t.call(fay, { method: 'GET', url: `/api/tasks/${taskId}` });
    // then
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().form.formId).toMatch(/^camunda-form-/);
    expect(res.json().form.schema.properties.amount).toEqual({
      type: 'number',
      title: 'Amount',
      minimum: 0.01,
      maximum: 10000,
    });
    expect(res.json().form.uiSchema.decision).toMatchObject({
      'ui:widget': 'radio',
      'ui:enumNames': ['Approve', 'Reject'],
    });
  });

  it('refuses a submission that breaks the converted validation, pointing at each field', async () => {
    // when a rejection comes without its reason, with a bad amount and cost centre
    const res = await complete({ amount: 0, decision: 'reject', costCentre: 'X-1' });
    // then
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('FORM_DATA_INVALID');
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/amount', '/costCentre', '/reason']));
  });

  it('accepts a submission that matches it, the hidden reason not required for an approval', async () => {
    // when
    const res = await complete({ amount: 42.5, decision: 'approve', costCentre: 'CC-0042' });
    // then
    expect(res.statusCode, res.body).toBe(204);
    const task = await t.call(fay, { method: 'GET', url: `/api/tasks/${taskId}` });
    expect(task.json().state).toBe('completed');
  });

  it('saves the converted form once, and restores it when someone saved over its id', async () => {
    // given the form as the first deploy saved it, then overwritten through the forms API
    const detail = await t.call(fay, { method: 'GET', url: `/api/tasks/${taskId}` });
    const formId: string = detail.json().form.formId;
    const before = await t.call(dana, { method: 'GET', url: `/api/forms/${formId}` });
    const overwritten = await t.call(dana, {
      method: 'POST',
      url: '/api/forms',
      payload: { formId, name: 'edited', schema: { type: 'object', properties: {} } },
    });
    expect(overwritten.statusCode, overwritten.body).toBe(201);
    // when the same file is deployed again
    const again = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: MODELER_FILE,
      headers: { 'content-type': 'application/xml' },
    });
    const redeployed = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: MODELER_FILE,
      headers: { 'content-type': 'application/xml' },
    });
    // then the converted content is back as the latest version, and a further deploy adds none
    expect(again.statusCode, again.body).toBe(200);
    expect(redeployed.statusCode, redeployed.body).toBe(200);
    const after = await t.call(dana, { method: 'GET', url: `/api/forms/${formId}` });
    expect(before.json().version).toBe(1);
    expect(after.json().version).toBe(3);
    expect(after.json().schema).toEqual(before.json().schema);
    expect(after.json().uiSchema).toEqual(before.json().uiSchema);
  });

  it('refuses to deploy or validate an embedded form whose pattern the server cannot run, naming the task', async () => {
    // given a cost-centre pattern with a backreference
    const xml = MODELER_FILE.replace('^CC-[0-9]{4}$', '^(CC)-\\\\1$').replace(
      'id="expense-claim"',
      'id="claim-2"',
    );
    expect(xml).toContain('\\\\1');
    const post = (url: string) =>
      t.call(dana, { method: 'POST', url, payload: xml, headers: { 'content-type': 'application/xml' } });
    // when
    const res = await post('/api/definitions');
    const validated = await post('/api/definitions/validate');
    // then deploy and validation alike name the task and the pattern
    const problem = expect.objectContaining({
      elementId: 'Activity_review',
      code: 'form.unsupported',
      message: expect.stringContaining('/properties/costCentre/pattern'),
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('DEFINITION_INVALID');
    expect(res.json().issues).toEqual([problem]);
    expect(validated.statusCode, validated.body).toBe(200);
    expect(validated.json().issues).toEqual([problem]);
  });
});
