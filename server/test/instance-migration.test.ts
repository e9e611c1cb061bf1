import { systemIdentity } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** The expense process with its review step under another id ("check"), as a designer might rename it. */
const renamed = () =>
  expenseProcess()
    .replace('id="review" name="Review expense"', 'id="check" name="Check expense"')
    .replace('targetRef="review"', 'targetRef="check"')
    .replace('sourceRef="review"', 'sourceRef="check"');

describe.each(dialects())('instance migration through the API on %s', (dialect) => {
  let t: TestApp;
  let maya: Session;
  let sam: Session;
  let v1: string;
  let v2: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    maya = await t.userSession('maya', ['manager'], ['managers']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    v1 = (await t.engine.deploy(expenseProcess())).definitions[0]!.id;
    v2 = (await t.engine.deploy(renamed())).definitions[0]!.id;
  });
  afterAll(async () => t?.close());

  /** An instance of version 1 waiting at "review", claimed by sam. */
  async function runningOnV1(): Promise<{ instanceId: string; taskId: string }> {
    const instance = await t.engine.startInstance(
      { processId: 'expense', version: 1, variables: { title: 'Taxi', amount: 3 } },
      systemIdentity('sam'),
    );
    const [task] = (await t.engine.listTasks({ instanceId: instance.id })).items;
    await t.engine.claimTask(task!.id, systemIdentity('sam'), 'sam');
    return { instanceId: instance.id, taskId: task!.id };
  }
  const migrate = (who: Session, instanceId: string, body: object) =>
    t.call(who, { method: 'POST', url: `/api/instances/${instanceId}/migration`, payload: body });

  it('answers a plan that leaves an active step behind with 422 and the element, and changes nothing', async () => {
    const { instanceId } = await runningOnV1();
    const res = await migrate(maya, instanceId, { targetDefinitionId: v2 });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'MIGRATION_REFUSED',
      issues: [{ code: 'element.missing', elementId: 'review' }],
    });
    const instance = await t.call(maya, { method: 'GET', url: `/api/instances/${instanceId}` });
    expect(instance.json().definitionId).toBe(v1);
  });

  it('checks a plan in a dry run, then migrates: the claimed task keeps its id and assignee', async () => {
    const { instanceId, taskId } = await runningOnV1();
    const plan = {
      targetDefinitionId: v2,
      mappings: [{ sourceElementId: 'review', targetElementId: 'check' }],
    };
    const dry = await migrate(maya, instanceId, { ...plan, dryRun: true });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, migrated: false, problems: [], moved: { tasks: 1 } });
    const done = await migrate(maya, instanceId, { ...plan, reason: 'review renamed' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ migrated: true, from: { version: 1 }, to: { version: 2 } });
    const task = await t.call(sam, { method: 'GET', url: `/api/tasks/${taskId}` });
    expect(task.json()).toMatchObject({ id: taskId, elementId: 'check', assignee: 'sam' });
    const history = await t.call(maya, { method: 'GET', url: `/api/instances/${instanceId}/history` });
    const migrated = history.json().items.find((e: { type: string }) => e.type === 'instance.migrated');
    expect(migrated).toMatchObject({ actor: 'maya', data: { reason: 'review renamed' } });
  });

  it('refuses the staff member who takes part, and rejects a malformed plan with pointers', async () => {
    const { instanceId } = await runningOnV1();
    expect((await migrate(sam, instanceId, { targetDefinitionId: v2 })).statusCode).toBe(403);
    const bad = await migrate(maya, instanceId, {
      targetDefinitionId: v2,
      mappings: [{ sourceElementId: 'review' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/mappings/0/targetElementId');
  });

  it('migrates every running instance of a version and reports each', async () => {
    await runningOnV1();
    await runningOnV1();
    const res = await t.call(maya, {
      method: 'POST',
      url: '/api/migrations',
      payload: {
        sourceDefinitionId: v1,
        targetDefinitionId: v2,
        mappings: [{ sourceElementId: 'review', targetElementId: 'check' }],
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.failed).toBe(0);
    expect(body.migrated).toBeGreaterThanOrEqual(2);
    const left = await t.engine.listInstances({ processId: 'expense', status: 'active' });
    expect(left.items.filter((i) => i.definitionId === v1)).toEqual([]);
  });

  it('moves a token through the API: the task at hand is cancelled and the next one opens', async () => {
    const { instanceId, taskId } = await runningOnV1();
    const modify = (who: Session, body: object) =>
      t.call(who, { method: 'POST', url: `/api/instances/${instanceId}/modification`, payload: body });
    const move = { cancel: ['review'], startBefore: [{ elementId: 'approve' }], reason: 'reviewed by phone' };
    expect((await modify(sam, move)).statusCode).toBe(403);
    const unknown = await modify(maya, { startBefore: [{ elementId: 'nowhere' }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('INVALID_ARGUMENT');
    expect((await modify(maya, move)).statusCode).toBe(204);
    expect((await t.call(maya, { method: 'GET', url: `/api/tasks/${taskId}` })).json().state).toBe(
      'cancelled',
    );
    const open = await t.engine.listTasks({ instanceId, state: 'created' });
    expect(open.items.map((task) => task.elementId)).toEqual(['approve']);
  });
});
