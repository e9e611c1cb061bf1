import { systemIdentity } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** A group task whose priority comes from the variable `prio`, with the form `order-check`. */
const orderProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-orders" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="orders" name="Orders" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="check" name="Check order">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition candidateGroups="desk" />
        <zeebe:priorityDefinition priority="=prio" />
        <zeebe:formDefinition formId="order-check" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

const checkForm = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, note: { type: 'string', minLength: 3 } },
  required: ['ok', 'note'],
};

describe.each(dialects())('inbox filters and bulk completion on %s', (dialect) => {
  let t: TestApp;
  let dee: Session;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dee = await t.userSession('dee', ['staff'], ['desk']);
    await t.store.forms.save({
      formId: 'order-check',
      name: 'Check',
      schema: checkForm,
      uiSchema: { 'ui:headline': ['region'] },
      createdBy: 'test',
    });
    await t.engine.deploy(orderProcess);
    for (const [key, prio, region] of [
      ['north-90', 90, 'north'],
      ['north-10', 10, 'north'],
      ['south-90', 90, 'south'],
      ['north-70', 70, 'north'],
      ['plain-80', 80, 1200],
    ] as const) {
      const instance = await t.engine.startInstance(
        { processId: 'orders', variables: { prio, region } },
        systemIdentity('ada'),
      );
      ids.set(key, (await t.engine.listTasks({ instanceId: instance.id })).items[0]!.id);
    }
  });
  afterAll(async () => t?.close());

  const list = (query: Record<string, string | string[]>) =>
    t.call(dee, { method: 'GET', url: '/api/tasks', query });
  const keysOf = (items: { id: string }[]) =>
    items.map((task) => [...ids].find(([, id]) => id === task.id)?.[0]).sort();

  it('lists by a priority range and a headline value, with counts of the unfiltered inbox', async () => {
    const res = await list({ scope: 'claimable', priorityMin: '50', headline: 'region=north' });
    expect(res.statusCode).toBe(200);
    expect(keysOf(res.json().items)).toEqual(['north-70', 'north-90']);
    expect(res.json().total).toBe(2);
    // The badge still counts every claimable task, not only the filtered ones.
    expect(res.json().counts.claimable).toBe(5);
    const upTo = await list({ scope: 'claimable', priorityMax: '80', priorityMin: '80' });
    expect(keysOf(upTo.json().items)).toEqual(['plain-80']);
    // A number matches as text, as the inbox shows it.
    const number = await list({ scope: 'visible', headline: ['region=1200'] });
    expect(keysOf(number.json().items)).toEqual(['plain-80']);
  });

  it('refuses a malformed headline filter and a name given twice, with pointers', async () => {
    const malformed = await list({ headline: 'region' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].pointer).toMatch(/^\/headline/);
    const twice = await list({ headline: ['region=north', 'region=south'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().errors).toEqual([{ pointer: '/headline/1', message: 'given twice' }]);
    const tooMany = await list({ headline: ['a=1', 'b=1', 'c=1', 'd=1', 'e=1', 'f=1'] });
    expect(tooMany.statusCode).toBe(400);
  });

  it('saves a view that filters by priority and headline, and opening it lists exactly those tasks', async () => {
    const filter = { scope: 'claimable', priorityMin: 80, headline: ['region=north'] };
    const saved = await t.call(dee, {
      method: 'POST',
      url: '/api/views',
      payload: { name: 'Urgent north', filter },
    });
    expect(saved.statusCode).toBe(201);
    const views = (await t.call(dee, { method: 'GET', url: '/api/views' })).json();
    const view = views.items.find((v: { name: string }) => v.name === 'Urgent north');
    expect(view.filter).toEqual(filter);
    const opened = await list({
      scope: view.filter.scope,
      priorityMin: String(view.filter.priorityMin),
      headline: view.filter.headline,
    });
    expect(keysOf(opened.json().items)).toEqual(['north-90']);
    const bad = await t.call(dee, {
      method: 'POST',
      url: '/api/views',
      payload: { name: 'Bad', filter: { priorityMin: 'high', headline: ['=x'] } },
    });
    expect(bad.statusCode).toBe(400);
    const pointers = bad.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/filter/priorityMin', '/filter/headline/0']));
  });

  it('completes three tasks of one form at once and reports, with pointers, the data a form refuses', async () => {
    const three = [ids.get('north-10')!, ids.get('north-70')!, ids.get('south-90')!];
    await t.call(dee, {
      method: 'POST',
      url: '/api/tasks/bulk',
      payload: { action: 'claim', taskIds: three },
    });
    // when the data misses the note's length
    const refused = await t.call(dee, {
      method: 'POST',
      url: '/api/tasks/bulk',
      payload: { action: 'complete', taskIds: three, variables: { ok: true, note: 'x' } },
    });
    expect(refused.statusCode).toBe(200);
    expect(refused.json().failed).toBe(3);
    for (const result of refused.json().results) {
      expect(result).toMatchObject({ ok: false, code: 'FORM_DATA_INVALID', status: 400 });
      expect(result.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/note']);
    }
    // then with good data every task completes, each in its own command
    const done = await t.call(dee, {
      method: 'POST',
      url: '/api/tasks/bulk',
      payload: { action: 'complete', taskIds: three, variables: { ok: true, note: 'fine' } },
    });
    expect(done.json()).toMatchObject({ succeeded: 3, failed: 0 });
    for (const id of three) {
      const task = await t.engine.getTask(id);
      expect(task.state).toBe('completed');
      expect(task.completedBy).toBe('dee');
    }
  });
});
