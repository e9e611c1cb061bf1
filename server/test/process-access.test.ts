import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';
import { SYSTEM, systemIdentity } from '@baton/engine';

/** A service task whose job a test fails, to raise an incident. */
const failingProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-mailer" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="mailer" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="mail">
      <bpmn:extensionElements><zeebe:taskDefinition type="mail" retries="1" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="mail" />
    <bpmn:sequenceFlow id="f2" sourceRef="mail" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** One task per signer, all at once: an instance with as many open tasks as the list is long. */
const manySigners = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-signers" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="signers" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="sign">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="=signer" /></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=signers" inputElement="signer" /></bpmn:extensionElements>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign" />
    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe.each(dialects())('who manages and who starts a process, on %s', (dialect) => {
  let t: TestApp;
  let maya: Session; // manager in "managers"
  let mo: Session; // manager in "ops"
  let sam: Session; // staff
  let lee: Session; // staff in "leads"
  let dana: Session; // designer
  const variables = { title: 'Taxi', amount: 3 };
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    maya = await t.userSession('maya', ['manager'], ['managers']);
    mo = await t.userSession('mo', ['manager'], ['ops']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    lee = await t.userSession('lee', ['staff'], ['leads', 'staff']);
    dana = await t.userSession('dana', ['designer']);
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    await t.engine.deploy(expenseProcess());
    await t.engine.deploy(expenseProcess('other'));
    await t.engine.deploy(failingProcess);
    await t.engine.deploy(manySigners);
  });
  afterAll(async () => t?.close());

  const start = async (processId: string, actor = 'sam') =>
    (await t.engine.startInstance({ processId, variables }, systemIdentity(actor))).id;
  const setGroups = (who: Session, processId: string, list: string, groups: string[]) =>
    t.call(who, { method: 'PUT', url: `/api/processes/${processId}/${list}`, payload: { groups } });
  async function raiseIncident(): Promise<{ instanceId: string; incidentId: string }> {
    const instanceId = await start('mailer');
    const [job] = await t.engine.fetchAndLock({ type: 'mail', workerId: 'w', maxJobs: 50 }, SYSTEM);
    await t.engine.failJob(job!.id, 'w', { retries: 0, errorMessage: 'smtp down' }, SYSTEM);
    const [incident] = await t.engine.listIncidents({ instanceId, open: true });
    return { instanceId, incidentId: incident!.id };
  }

  it('lets every manager see a process that names no managing groups', async () => {
    // given
    const id = await start('expense');
    // when
    const seen = await Promise.all(
      [maya, mo].map((m) => t.call(m, { method: 'GET', url: `/api/instances/${id}` })),
    );
    const listed = await t.call(dana, { method: 'GET', url: '/api/processes/expense/managers' });
    // then
    expect(seen.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(listed.json()).toEqual({ processId: 'expense', groups: [] });
  });

  it('limits a process to the managers in its groups', async () => {
    // given
    const id = await start('expense');
    const taskId = (await t.engine.listTasks({ instanceId: id })).items[0]!.id;
    // when
    const set = await setGroups(dana, 'expense', 'managers', ['managers']);
    // then: maya manages it
    expect(set.json()).toEqual({ processId: 'expense', groups: ['managers'] });
    for (const url of [
      `/api/instances/${id}`,
      `/api/instances/${id}/history`,
      '/api/processes/expense/kpis',
    ]) {
      expect((await t.call(maya, { method: 'GET', url })).statusCode, url).toBe(200);
    }
    // and mo does not: hidden instances and tasks are 404, the KPIs of a known process 403
    expect((await t.call(mo, { method: 'GET', url: `/api/instances/${id}` })).statusCode).toBe(404);
    expect((await t.call(mo, { method: 'GET', url: `/api/instances/${id}/history` })).statusCode).toBe(404);
    expect((await t.call(mo, { method: 'GET', url: '/api/processes/expense/kpis' })).statusCode).toBe(403);
    expect((await t.call(mo, { method: 'GET', url: `/api/tasks/${taskId}` })).statusCode).toBe(404);
    const cancel = await t.call(mo, { method: 'POST', url: `/api/instances/${id}/cancel` });
    const vars = await t.call(mo, {
      method: 'PATCH',
      url: `/api/instances/${id}/variables`,
      payload: { variables: { amount: 9 } },
    });
    const assign = await t.call(mo, {
      method: 'POST',
      url: `/api/tasks/${taskId}/assign`,
      payload: { user: 'sam' },
    });
    const all = await t.call(mo, { method: 'GET', url: `/api/tasks?scope=all&instanceId=${id}` });
    expect([cancel.statusCode, vars.statusCode, assign.statusCode, all.statusCode]).toEqual([
      404, 404, 404, 403,
    ]);
    expect((await t.engine.getInstance(id)).status).toBe('active');
    // while maya may reassign and cancel
    expect(
      (await t.call(maya, { method: 'POST', url: `/api/tasks/${taskId}/assign`, payload: { user: 'sam' } }))
        .statusCode,
    ).toBe(200);
    expect((await t.call(maya, { method: 'POST', url: `/api/instances/${id}/cancel` })).statusCode).toBe(204);
  });

  it('shows a manager the instances they take part in, but not to operate on', async () => {
    // given: mo started an instance of a process mo does not manage
    await setGroups(dana, 'expense', 'managers', ['managers']);
    const id = await start('expense', 'mo');
    // when
    const seen = await t.call(mo, { method: 'GET', url: `/api/instances/${id}` });
    const cancel = await t.call(mo, { method: 'POST', url: `/api/instances/${id}/cancel` });
    // then
    expect(seen.statusCode).toBe(200);
    expect(cancel.statusCode).toBe(403);
    expect(cancel.json().code).toBe('FORBIDDEN');
  });

  it('shows an instance to whoever has one of its tasks, however many tasks it has, and to no one else', async () => {
    // given an instance started by mo with 700 signing tasks, the last one sam's
    const signers = [...Array.from({ length: 699 }, (_, i) => `signer-${i}`), 'sam'];
    const id = (
      await t.engine.startInstance({ processId: 'signers', variables: { signers } }, systemIdentity('mo'))
    ).id;
    // when sam, who has a task of it, and lee, who has none, open it
    const bySam = await t.call(sam, { method: 'GET', url: `/api/instances/${id}` });
    const byLee = await t.call(lee, { method: 'GET', url: `/api/instances/${id}` });
    // then sam sees it, and lee is told it does not exist
    expect(bySam.statusCode).toBe(200);
    expect(byLee.statusCode).toBe(404);
    expect(await t.engine.takesPart(id, systemIdentity('sam'))).toBe(true);
  });

  it('lists a manager’s managed instances and their own elsewhere, paginated consistently', async () => {
    // given
    await setGroups(dana, 'expense', 'managers', ['managers']);
    const mine = await start('expense', 'mo');
    t.clock.advance(1000);
    const others = [await start('other')];
    t.clock.advance(1000);
    others.push(await start('other'));
    const hidden = await start('expense');
    // when
    const full = (await t.call(mo, { method: 'GET', url: '/api/instances?limit=200' })).json();
    const pages = [];
    for (let offset = 0; offset < full.total; offset += 2) {
      pages.push(
        ...(await t.call(mo, { method: 'GET', url: `/api/instances?limit=2&offset=${offset}` })).json().items,
      );
    }
    // then
    const ids = full.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([mine, ...others]));
    expect(ids).not.toContain(hidden);
    expect(
      full.items.every(
        (i: { processId: string; startedBy: string }) => i.processId !== 'expense' || i.startedBy === 'mo',
      ),
    ).toBe(true);
    expect(full.total).toBe(full.items.length);
    expect(pages.map((i: { id: string }) => i.id)).toEqual(ids);
  });

  it('limits incidents, and their retry, to the managers of the process', async () => {
    // given
    await setGroups(dana, 'mailer', 'managers', ['managers']);
    const { incidentId } = await raiseIncident();
    // when
    const moList = (await t.call(mo, { method: 'GET', url: '/api/incidents' })).json();
    const mayaList = (await t.call(maya, { method: 'GET', url: '/api/incidents' })).json();
    const moRetry = await t.call(mo, { method: 'POST', url: `/api/incidents/${incidentId}/retry` });
    // then
    expect(moList.items.map((i: { id: string }) => i.id)).not.toContain(incidentId);
    expect(mayaList.items.map((i: { id: string }) => i.id)).toContain(incidentId);
    expect(moRetry.statusCode).toBe(404);
    expect(
      (await t.call(maya, { method: 'POST', url: `/api/incidents/${incidentId}/retry` })).statusCode,
    ).toBe(204);
  });

  it('opens a process to every manager again with an empty list, and refuses unknown groups', async () => {
    // given
    const id = await start('expense');
    // when
    const unknown = await setGroups(dana, 'expense', 'managers', ['nobody-has-this']);
    const cleared = await setGroups(dana, 'expense', 'managers', []);
    const noProcess = await setGroups(dana, 'no-such-process', 'managers', []);
    // then
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'GROUP_NOT_FOUND', errors: [{ pointer: '/groups/0' }] });
    expect(cleared.json().groups).toEqual([]);
    expect(noProcess.statusCode).toBe(404);
    expect((await t.call(mo, { method: 'GET', url: `/api/instances/${id}` })).statusCode).toBe(200);
  });

  it('lets only the starting groups start a process, and says so in the process list', async () => {
    // given
    const set = await setGroups(dana, 'other', 'starters', ['leads']);
    // when
    const bySam = await t.call(sam, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'other', variables },
    });
    const byLee = await t.call(lee, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'other', variables },
    });
    const samList = (await t.call(sam, { method: 'GET', url: '/api/processes' })).json().items;
    const leeList = (await t.call(lee, { method: 'GET', url: '/api/processes' })).json().items;
    // then
    expect(set.json()).toEqual({ processId: 'other', groups: ['leads'] });
    expect(bySam.statusCode).toBe(403);
    expect(byLee.statusCode).toBe(201);
    const startable = (items: { processId: string; startable: boolean }[]) =>
      Object.fromEntries(items.map((p) => [p.processId, p.startable]));
    expect(startable(samList)).toMatchObject({ other: false, expense: true });
    expect(startable(leeList)).toMatchObject({ other: true, expense: true });
    // and an empty list opens it to everyone signed in again
    await setGroups(dana, 'other', 'starters', []);
    const again = await t.call(sam, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'other', variables },
    });
    expect(again.statusCode).toBe(201);
  });
});
