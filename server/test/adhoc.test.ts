import { readFileSync } from 'node:fs';
import { systemIdentity } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const fixture = readFileSync(new URL('../../engine/test/fixtures/rt-adhoc.bpmn', import.meta.url), 'utf8');

describe.each(dialects())('ad-hoc subprocesses through the API on %s', (dialect) => {
  let t: TestApp;
  let maya: Session;
  let sam: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    maya = await t.userSession('maya', ['manager'], ['managers']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    await t.engine.deploy(fixture);
  });
  afterAll(async () => t?.close());

  const openTasks = async (instanceId: string) =>
    (await t.engine.listTasks({ instanceId, state: 'created' })).items.map((task) => task.elementId).sort();
  const activate = (who: Session, instanceId: string, adHoc: string, body: object) =>
    t.call(who, {
      method: 'POST',
      url: `/api/instances/${instanceId}/ad-hoc/${adHoc}/activation`,
      payload: body,
    });

  it('runs an ad-hoc subprocess: activates an element through the route, and completes', async () => {
    // given
    const started = await t.call(maya, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'adhoc-basic', variables: { toActivate: ['a'] } },
    });
    expect(started.statusCode, started.body).toBe(201);
    const instanceId = started.json().id as string;
    expect(await openTasks(instanceId)).toEqual(['a']);
    // when
    const res = await activate(maya, instanceId, 'work', {
      elementIds: ['b'],
      variables: { hint: 'call first' },
    });
    // then
    expect(res.statusCode, res.body).toBe(204);
    expect(await openTasks(instanceId)).toEqual(['a', 'b']);
    const b = (await t.engine.listTasks({ instanceId, state: 'created' })).items.find(
      (x) => x.elementId === 'b',
    );
    const detail = await t.call(maya, { method: 'GET', url: `/api/tasks/${b?.id}` });
    expect(detail.json().variables).toMatchObject({ hint: 'call first' });
    // when both are done
    for (const task of (await t.engine.listTasks({ instanceId, state: 'created' })).items)
      await t.engine.completeTask(task.id, {}, systemIdentity('maya'));
    // then the subprocess is done and the instance waits after it
    expect(await openTasks(instanceId)).toEqual(['after']);
  });

  it('answers 400 naming the ids that are not inner elements, and a staff member 404', async () => {
    // given
    const started = await t.call(maya, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'adhoc-basic', variables: { toActivate: [] } },
    });
    const instanceId = started.json().id as string;
    // when
    const res = await activate(maya, instanceId, 'work', { elementIds: ['after', 'ghost'] });
    // then
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(res.json().detail).toContain("'after', 'ghost'");
    expect((await activate(maya, instanceId, 'work', { elementIds: [] })).statusCode).toBe(400);
    expect((await activate(sam, instanceId, 'work', { elementIds: ['a'] })).statusCode).toBe(404);
    expect(await openTasks(instanceId)).toEqual([]);
  });
});
