import { SYSTEM } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const HOUR = 3600_000;

/** start -> one user task for the group `support`, picked by `strategy` (or assigned to `=who`). */
function supportProcess(id: string, strategy: string | null) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="work" name="Work">
      <bpmn:extensionElements>
        <zeebe:userTask />
        ${
          strategy
            ? `<zeebe:assignmentDefinition candidateGroups="support" />
        <zeebe:taskHeaders><zeebe:header key="baton:assignment" value="${strategy}" /></zeebe:taskHeaders>`
            : '<zeebe:assignmentDefinition assignee="=who" />'
        }
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
}

describe.each(dialects())('team operations over HTTP, on %s', (dialect) => {
  let t: TestApp;
  let ann: Session; // staff in support
  let bob: Session; // staff in support and skill.german
  let mia: Session; // manager
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.store.groups.create({ name: 'support' });
    await t.store.groups.create({ name: 'skill.german' });
    ann = await t.userSession('ann', ['staff'], ['support']);
    bob = await t.userSession('bob', ['staff'], ['support', 'skill.german']);
    await t.createUser({ username: 'cara', roles: ['staff'], groups: ['support', 'skill.german'] });
    mia = await t.userSession('mia', ['manager'], ['support']);
    await t.engine.deploy(supportProcess('direct', null));
    await t.engine.deploy(supportProcess('german', 'attribute:skill=german'));
  });
  afterAll(async () => t?.close());

  const iso = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
  const setAbsence = (who: Session, payload: Record<string, unknown>) =>
    t.call(who, { method: 'POST', url: '/api/absences', payload });

  it('lets a person set their own absence, and sends tasks meant for them to the substitute', async () => {
    // when ann sets an absence with bob standing in
    const res = await setAbsence(ann, {
      from: iso(-HOUR),
      to: iso(HOUR),
      substitute: 'bob',
      note: 'dentist',
    });
    expect(res.statusCode).toBe(201);
    const absence = res.json();
    expect(absence).toMatchObject({
      userId: 'ann',
      substitute: 'bob',
      note: 'dentist',
      active: true,
      createdBy: 'ann',
    });
    // then a task meant for ann is bob's, and its history says so
    const instance = await t.engine.startInstance({ processId: 'direct', variables: { who: 'ann' } }, SYSTEM);
    const inbox = await t.call(bob, { method: 'GET', url: '/api/tasks?scope=mine' });
    const task = inbox.json().items.find((i: { instanceId: string }) => i.instanceId === instance.id);
    expect(task?.assignee).toBe('bob');
    const history = await t.call(bob, { method: 'GET', url: `/api/tasks/${task.id}/history` });
    const created = history.json().items.find((e: { type: string }) => e.type === 'task.created');
    expect(created.data.assignment).toMatchObject({ reason: 'assigned to bob, substituting for ann' });
    // and everyone sees who is away; the note only ann, her substitute and managers
    const away = await t.call(ann, { method: 'GET', url: '/api/absences?scope=active' });
    expect(away.json().items.map((a: { userId: string }) => a.userId)).toEqual(['ann']);
    const noteSeenBy = async (who: Session) =>
      (await t.call(who, { method: 'GET', url: '/api/absences?scope=active' })).json().items[0].note;
    expect(await noteSeenBy(bob)).toBe('dentist');
    expect(await noteSeenBy(mia)).toBe('dentist');
    expect(await noteSeenBy(await t.userSession('dora', ['staff']))).toBeNull();
    // when ann ends it, it is gone
    expect((await t.call(ann, { method: 'DELETE', url: `/api/absences/${absence.id}` })).statusCode).toBe(
      204,
    );
    expect((await t.call(ann, { method: 'GET', url: '/api/absences' })).json().items).toEqual([]);
  });

  it('lets a substitute open a task of the person they stand in for while the absence lasts', async () => {
    // given a task of ann's from before her absence
    const instance = await t.engine.startInstance({ processId: 'direct', variables: { who: 'ann' } }, SYSTEM);
    const [task] = (await t.engine.listTasks({ instanceId: instance.id })).items;
    expect(task?.assignee).toBe('ann');
    const open = () => t.call(bob, { method: 'GET', url: `/api/tasks/${task?.id}` });
    expect((await open()).statusCode).toBe(404);
    // when ann is away with bob standing in
    const absence = (await setAbsence(ann, { from: iso(-HOUR), to: iso(HOUR), substitute: 'bob' })).json();
    // then bob sees it in his list and opens it; it stays ann's
    const visible = await t.call(bob, { method: 'GET', url: '/api/tasks?scope=visible' });
    expect(visible.json().items.map((i: { id: string }) => i.id)).toContain(task?.id);
    const opened = await open();
    expect(opened.statusCode).toBe(200);
    expect(opened.json().assignee).toBe('ann');
    // and no longer once the absence has ended
    await t.call(ann, { method: 'DELETE', url: `/api/absences/${absence.id}` });
    expect((await open()).statusCode).toBe(404);
  });

  it("refuses staff setting someone else's absence (403) and lets a manager do it", async () => {
    const refused = await setAbsence(ann, { userId: 'bob', from: iso(0), to: iso(HOUR) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('FORBIDDEN');
    const byManager = await setAbsence(mia, {
      userId: 'bob',
      from: iso(0),
      to: iso(HOUR),
      substitute: 'cara',
    });
    expect(byManager.statusCode).toBe(201);
    const id = byManager.json().id;
    expect((await t.call(ann, { method: 'DELETE', url: `/api/absences/${id}` })).statusCode).toBe(403);
    expect((await t.call(mia, { method: 'DELETE', url: `/api/absences/${id}` })).statusCode).toBe(204);
    expect((await t.call(mia, { method: 'DELETE', url: `/api/absences/${id}` })).json().code).toBe(
      'ABSENCE_NOT_FOUND',
    );
  });

  it('answers 400 with a stable code for from after to, unknown people and bad input', async () => {
    const backwards = await setAbsence(ann, { from: iso(HOUR), to: iso(0) });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().code).toBe('INVALID_ARGUMENT');
    const unknown = await setAbsence(ann, { from: iso(0), to: iso(HOUR), substitute: 'nobody' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('USER_NOT_FOUND');
    const malformed = await setAbsence(ann, { from: 'tomorrow', to: iso(HOUR) });
    expect(malformed.statusCode).toBe(400);
    const self = await setAbsence(ann, { from: iso(0), to: iso(HOUR), substitute: 'ann' });
    expect(self.statusCode).toBe(400);
  });

  it("picks by attribute from the server's groups, skipping who is away", async () => {
    // given bob (skill.german) is away; cara is the other German speaker in support
    const res = await setAbsence(bob, { from: iso(0), to: iso(HOUR) });
    expect(res.statusCode).toBe(201);
    // when a task picks by skill=german
    const instance = await t.engine.startInstance({ processId: 'german', variables: {} }, SYSTEM);
    const { items } = await t.engine.listTasks({ instanceId: instance.id });
    // then cara has it
    expect(items[0]?.assignee).toBe('cara');
    await t.call(bob, { method: 'DELETE', url: `/api/absences/${res.json().id}` });
  });

  it("shows a manager the team's load and who is away; staff may not see it", async () => {
    await setAbsence(mia, { userId: 'ann', from: iso(0), to: iso(HOUR), substitute: 'bob' });
    const res = await t.call(mia, { method: 'GET', url: '/api/team-load?group=support' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.members.map((m: { user: string }) => m.user)).toEqual(['ann', 'bob', 'cara', 'mia']);
    const annRow = body.members.find((m: { user: string }) => m.user === 'ann');
    expect(annRow).toMatchObject({ substitute: 'bob', awayUntil: iso(HOUR) });
    const open = Object.fromEntries(
      body.members.map((m: { user: string; open: number }) => [m.user, m.open]),
    );
    expect(open).toMatchObject({ bob: 1, cara: 1 });
    expect(body.items).toEqual(
      expect.arrayContaining([{ user: 'cara', processId: 'german', open: 1, overdue: 0 }]),
    );
    expect((await t.call(ann, { method: 'GET', url: '/api/team-load' })).statusCode).toBe(403);
    expect((await t.call(mia, { method: 'GET', url: '/api/team-load?group=nope' })).statusCode).toBe(404);
  });
});
