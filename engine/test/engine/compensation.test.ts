import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { SYSTEM } from '../../src/identity.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

/** Compensation and transactions end to end: state saved, reloaded by a fresh engine, resumed. */

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe.each(databases())('compensation persisted on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
  });

  async function completeJob(type: string): Promise<Record<string, unknown>> {
    const [job] = await engine.fetchAndLock({ type, workerId: 'w', fetchVariables: ['orderId'] }, SYSTEM);
    if (!job) throw new Error(`no job of type ${type}`);
    await engine.completeJob(job.id, 'w', {}, SYSTEM);
    return job.variables;
  }

  it('runs a user task handler and a service job handler after a reload, and the throw waits for both', async () => {
    // given: both activities completed, saved, and read back by a fresh engine
    await engine.deploy(await fixture('rt-compensation.bpmn'));
    const started = await engine.startInstance(
      { processId: 'comp-basic', variables: { orderId: 'o-9' } },
      SYSTEM,
    );
    await completeJob('book-hotel');
    ({ engine } = await testEngine(database));
    // when
    const review = await onlyOpenTask(engine, started.id);
    await engine.completeTask(review.id, {}, SYSTEM);
    // then: a fresh engine finds both handlers running and the throw waiting
    ({ engine } = await testEngine(database));
    expect((await engine.getInstance(started.id)).activeElements).toEqual({
      undoAll: 1,
      cancelHotel: 1,
      cancelFlight: 1,
    });
    expect(await completeJob('cancel-flight')).toMatchObject({ orderId: 'o-9' });
    ({ engine } = await testEngine(database));
    expect((await engine.getInstance(started.id)).status).toBe('active');
    // when
    const undo = await onlyOpenTask(engine, started.id);
    expect(undo.elementId).toBe('cancelHotel');
    await engine.completeTask(undo.id, {}, SYSTEM);
    // then
    const instance = await engine.getInstance(started.id);
    expect(instance.status).toBe('completed');
    const history = await engine.getHistory(started.id);
    expect(
      history
        .filter((e) => e.type === 'compensation.started')
        .map((e) => `${e.elementId}>${String(e.data?.['handlerId'])}`)
        .sort(),
    ).toEqual(['bookFlight>cancelFlight', 'bookHotel>cancelHotel']);
  });

  it('cancels a transaction, compensates what completed in it, and leaves by the cancel boundary after a reload', async () => {
    // given
    await engine.deploy(await fixture('rt-transaction.bpmn'));
    const started = await engine.startInstance({ processId: 'booking' }, SYSTEM);
    await completeJob('reserve-seat');
    const tasks = (await engine.listTasks({ instanceId: started.id, state: 'created' })).items;
    const pay = tasks.find((task) => task.elementId === 'pay');
    // when
    await engine.completeTask(pay?.id ?? '', { ok: false }, SYSTEM);
    // then: the parallel confirm task was cancelled and the handler runs, after a reload too
    ({ engine } = await testEngine(database));
    const release = await onlyOpenTask(engine, started.id);
    expect(release.elementId).toBe('release');
    expect((await engine.getInstance(started.id)).activeElements).toEqual({
      tx: 1,
      cancelEnd: 1,
      release: 1,
    });
    // when
    await engine.completeTask(release.id, {}, SYSTEM);
    // then
    ({ engine } = await testEngine(database));
    expect((await onlyOpenTask(engine, started.id)).elementId).toBe('apologise');
    const history = await engine.getHistory(started.id);
    expect(history.filter((e) => e.type === 'transaction.cancelled')).toEqual([
      expect.objectContaining({
        elementId: 'tx',
        data: { endEventId: 'cancelEnd', boundaryEventId: 'txCancelled' },
      }),
    ]);
    expect(history.filter((e) => e.type === 'compensation.started').map((e) => e.elementId)).toEqual([
      'reserve',
    ]);
  });

  it('runs a compensation event subprocess in the scope of its completed subprocess, across reloads', async () => {
    // given
    await engine.deploy(await fixture('rt-compensation-esp.bpmn'));
    const started = await engine.startInstance(
      { processId: 'comp-esp', variables: { orderId: 'o-5' } },
      SYSTEM,
    );
    // when: a fresh engine completes the event subprocess's task, whose throw compensates inside
    ({ engine } = await testEngine(database));
    const notify = await onlyOpenTask(engine, started.id);
    expect(notify.elementId).toBe('notify');
    await engine.completeTask(notify.id, {}, SYSTEM);
    // then
    ({ engine } = await testEngine(database));
    const release = await onlyOpenTask(engine, started.id);
    expect(release.elementId).toBe('release');
    expect((await engine.getInstance(started.id)).activeElements).toEqual({
      undoAll: 1,
      onCompensate: 1,
      undoInside: 1,
      release: 1,
    });
    await engine.completeTask(release.id, {}, SYSTEM);
    expect((await engine.getInstance(started.id)).status).toBe('completed');
  });
  it('completes the handler of a multiple throw event on a fresh engine, then throws its signal', async () => {
    // given: a listener waits for the signal; the thrower's handler runs and it waits for it
    await engine.deploy(await fixture('rt-multiple-compensation.bpmn'));
    const listener = await engine.startInstance({ processId: 'mc-listen' }, SYSTEM);
    const started = await engine.startInstance({ processId: 'mc-then-signal' }, SYSTEM);
    const reserve = await onlyOpenTask(engine, started.id);
    await engine.completeTask(reserve.id, {}, SYSTEM);
    ({ engine } = await testEngine(database));
    expect((await engine.getInstance(started.id)).activeElements).toEqual({ undoThenTell: 1, release: 1 });
    expect((await engine.getHistory(started.id)).some((e) => e.type === 'signal.thrown')).toBe(false);
    expect((await engine.getInstance(listener.id)).status).toBe('active');
    // when the handler completes on a fresh engine
    ({ engine } = await testEngine(database));
    const release = await onlyOpenTask(engine, started.id);
    expect(release.elementId).toBe('release');
    await engine.completeTask(release.id, {}, SYSTEM);
    // then the event throws its signal and completes; the listener caught the signal
    ({ engine } = await testEngine(database));
    expect((await engine.getInstance(started.id)).status).toBe('completed');
    const history = await engine.getHistory(started.id);
    expect(history.filter((e) => e.type === 'signal.thrown').map((e) => e.elementId)).toEqual([
      'undoThenTell',
    ]);
    expect((await engine.getInstance(listener.id)).status).toBe('completed');
  });
});
