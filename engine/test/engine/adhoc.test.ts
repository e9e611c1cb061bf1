import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { systemIdentity, userIdentity } from '../../src/identity.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

const ops = systemIdentity('olga');
const fixture = readFileSync(new URL('../fixtures/rt-adhoc.bpmn', import.meta.url), 'utf8');

describe.each(databases())('ad-hoc subprocesses on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    await engine.deploy(fixture);
  });

  const openTasks = async (instanceId: string) =>
    (await engine.listTasks({ instanceId, state: 'created' })).items.map((t) => t.elementId).sort();
  const complete = async (instanceId: string, elementId: string, variables = {}) => {
    const task = (await engine.listTasks({ instanceId, state: 'created' })).items.find(
      (t) => t.elementId === elementId,
    );
    if (!task) throw new Error(`no open task at ${elementId}`);
    await engine.completeTask(task.id, variables, ops);
  };

  it('opens the listed tasks, activates more through the command, and completes into the next task', async () => {
    // given
    const instance = await engine.startInstance(
      { processId: 'adhoc-basic', variables: { toActivate: ['a'] } },
      ops,
    );
    expect(await openTasks(instance.id)).toEqual(['a']);
    // when
    await engine.activateAdHocElements(instance.id, 'work', ['c'], { urgent: true }, ops);
    // then
    expect(await openTasks(instance.id)).toEqual(['a', 'c']);
    const history = await engine.getHistory(instance.id);
    expect(history.find((e) => e.type === 'instance.modified')).toMatchObject({
      elementId: 'work',
      data: { adHocActivated: ['c'] },
    });
    // when every path inside ends
    await complete(instance.id, 'a');
    await complete(instance.id, 'c');
    await complete(instance.id, 'd');
    // then
    expect(await openTasks(instance.id)).toEqual(['after']);
  });

  it('survives a restart: a new engine on the same database activates and completes', async () => {
    // given
    const instance = await engine.startInstance(
      { processId: 'adhoc-basic', variables: { toActivate: [] } },
      ops,
    );
    // when
    ({ engine } = await testEngine(database));
    await engine.activateAdHocElements(instance.id, 'work', ['b'], undefined, ops);
    await complete(instance.id, 'b');
    // then
    expect(await openTasks(instance.id)).toEqual(['after']);
  });

  it('refuses unknown element ids by name, in one transaction that changes nothing', async () => {
    // given
    const instance = await engine.startInstance(
      { processId: 'adhoc-basic', variables: { toActivate: [] } },
      ops,
    );
    const before = await engine.getInstance(instance.id);
    // when
    const refused = engine.activateAdHocElements(instance.id, 'work', ['b', 'ghost'], undefined, ops);
    // then
    await expect(refused).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      engine.activateAdHocElements(instance.id, 'work', ['b', 'ghost'], undefined, ops),
    ).rejects.toThrow("'ghost' is not an inner element of ad-hoc subprocess 'work'");
    expect(await openTasks(instance.id)).toEqual([]);
    expect((await engine.getInstance(instance.id)).version).toBe(before.version);
  });

  it('lets only a manager of the process activate', async () => {
    // given
    const instance = await engine.startInstance(
      { processId: 'adhoc-basic', variables: { toActivate: [] } },
      systemIdentity('ann'),
    );
    // when / then
    await expect(
      engine.activateAdHocElements(
        instance.id,
        'work',
        ['b'],
        undefined,
        userIdentity('ann', { roles: ['staff'] }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await engine.activateAdHocElements(
      instance.id,
      'work',
      ['b'],
      undefined,
      userIdentity('mia', { roles: ['manager'] }),
    );
    expect(await openTasks(instance.id)).toEqual(['b']);
  });

  it('completes on the completion condition and cancels the task that still runs', async () => {
    // given
    const instance = await engine.startInstance({ processId: 'adhoc-condition' }, ops);
    const b2 = (await engine.listTasks({ instanceId: instance.id, state: 'created' })).items.find(
      (t) => t.elementId === 'b2',
    );
    // when
    await complete(instance.id, 'a2', { enough: true });
    // then
    expect((await engine.getInstance(instance.id)).status).toBe('completed');
    expect((await engine.getTask(b2?.id ?? '')).state).toBe('cancelled');
  });
});
