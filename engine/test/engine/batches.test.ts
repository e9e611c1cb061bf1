import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Batch, BatchDetail, BatchDryRun } from '../../src/batches/types.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import {
  BatchNotFoundError,
  BatchStateConflictError,
  ForbiddenError,
  InvalidArgumentError,
} from '../../src/errors.js';
import { SYSTEM, userIdentity } from '../../src/identity.js';
import { bpmnFile, endEvent, linearProcess, serviceTask, startEvent, userTask } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

/** start -> user task `review` -> end. */
const reviewProcess = (id: string, name = 'review') =>
  bpmnFile([linearProcess(id, [startEvent(), userTask(name), endEvent()])]);
/** start -> service task (type `payment`, 1 retry) -> user task -> end. */
const chargeProcess = bpmnFile([
  linearProcess('charge', [startEvent(), serviceTask('pay', 'payment', 1), userTask('check'), endEvent()]),
]);
const dueProcess = bpmnFile([
  linearProcess('dated', [startEvent(), userTask('details', { due: '=due' }), endEvent()]),
]);

const maya = userIdentity('maya', { roles: ['manager'], groups: ['finance'] });
const otto = userIdentity('otto', { roles: ['manager'], groups: ['ops'] });
const sam = userIdentity('sam', { roles: ['staff'], groups: ['staff'] });

const isBatch = (b: Batch | BatchDryRun): Batch => {
  if ('dryRun' in b) throw new Error('expected a batch');
  return b;
};

async function clearBatches(database: Database) {
  await sql`TRUNCATE batches, batch_items CASCADE`.execute(database.db);
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(databases())('batch operations on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    await clearBatches(database);
  });

  const start = async (processId: string, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await engine.startInstance({ processId }, SYSTEM)).id);
    return ids;
  };
  const itemStates = async (batchId: string) => {
    const rows = await database.db
      .selectFrom('batch_items')
      .select(['state'])
      .where('batch_id', '=', batchId)
      .execute();
    return rows.map((r) => r.state).sort();
  };

  it('cancels what its filter selects, a chunk at a time, with progress on the batch', async () => {
    // given seven running leave requests and one audit
    await engine.deploy(reviewProcess('leave'));
    await engine.deploy(reviewProcess('audit'));
    const leaves = await start('leave', 7);
    const [audit] = await start('audit', 1);
    // when a manager creates a cancel batch for the leave requests
    const batch = isBatch(await engine.createBatch({ kind: 'cancel', filter: { processId: 'leave' } }, maya));
    expect(batch).toMatchObject({
      state: 'running',
      total: 7,
      done: 0,
      failed: 0,
      processIds: ['leave'],
      createdBy: 'maya',
    });
    // and an executor processes three items
    expect(await engine.runDueBatches({ limit: 3 })).toBe(3);
    // then the batch shows the progress, and three instances are cancelled
    expect(await engine.getBatch(batch.id, maya)).toMatchObject({ state: 'running', done: 3, failed: 0 });
    const statuses = async () => Promise.all(leaves.map(async (id) => (await engine.getInstance(id)).status));
    expect((await statuses()).filter((s) => s === 'cancelled')).toHaveLength(3);
    // and the rest follow, after which the batch is completed and nothing else was touched
    expect(await engine.runDueBatches()).toBe(4);
    const finished = await engine.getBatch(batch.id, maya);
    expect(finished).toMatchObject({ state: 'completed', total: 7, done: 7, failed: 0, failures: [] });
    expect(finished.endedAt).toBeInstanceOf(Date);
    expect(await statuses()).toEqual(leaves.map(() => 'cancelled'));
    expect((await engine.getInstance(audit ?? '')).status).toBe('active');
    // and history names the creator as who cancelled
    const cancelled = (await engine.getHistory(leaves[0] ?? '')).find((e) => e.type === 'instance.cancelled');
    expect(cancelled?.actor).toBe('maya');
    expect(await engine.runDueBatches()).toBe(0);
  });

  it('counts and samples in a dry run and writes nothing', async () => {
    await engine.deploy(reviewProcess('leave'));
    const ids = await start('leave', 3);
    const dry = await engine.createBatch(
      { kind: 'cancel', filter: { processId: 'leave' }, dryRun: true },
      maya,
    );
    expect(dry).toMatchObject({ dryRun: true, matched: 3, overLimit: false });
    expect(('sample' in dry ? dry.sample : []).map((s) => s.id).sort()).toEqual([...ids].sort());
    expect((await engine.listBatches({}, maya)).total).toBe(0);
    // and a filter by explicit ids and start time narrows it
    const narrowed = await engine.createBatch(
      {
        kind: 'cancel',
        filter: { instanceIds: [ids[0] ?? ''], startedBefore: new Date('2100-01-01') },
        dryRun: true,
      },
      maya,
    );
    expect(narrowed).toMatchObject({ matched: 1 });
  });

  it('selects by version, active element and incident error', async () => {
    // given version 1 and version 2 of one process, and incidents with different errors
    await engine.deploy(reviewProcess('leave'));
    const v1 = await start('leave', 2);
    await engine.deploy(reviewProcess('leave', 'approve'));
    await start('leave', 1);
    await engine.deploy(chargeProcess);
    const failed = async (message: string) => {
      const instance = await engine.startInstance({ processId: 'charge' }, SYSTEM);
      const [job] = await engine.fetchAndLock({ type: 'payment', workerId: 'W' }, SYSTEM);
      await engine.failJob(job?.id ?? '', 'W', { retries: 0, errorMessage: message }, SYSTEM);
      return instance.id;
    };
    const bank = await failed('Bank is DOWN');
    await failed('card declined');
    // then each filter field narrows the match
    const matched = async (filter: Parameters<Engine['createBatch']>[0]) => {
      const dry = await engine.createBatch({ ...filter, dryRun: true }, maya);
      return 'sample' in dry ? dry.sample.map((s) => s.id).sort() : [];
    };
    expect(await matched({ kind: 'cancel', filter: { processId: 'leave', version: 1 } })).toEqual(
      [...v1].sort(),
    );
    expect(await matched({ kind: 'cancel', filter: { activeElementId: 'approve' } })).toHaveLength(1);
    expect(await matched({ kind: 'retry', filter: { incidentError: 'bank is down' } })).toEqual([bank]);
    expect(await matched({ kind: 'retry', filter: {} })).toHaveLength(2);
  });

  it('records each failure with its reason and goes on with the others', async () => {
    // given two payment incidents and an expression incident (which has no job to give retries to)
    await engine.deploy(chargeProcess);
    await engine.deploy(dueProcess);
    const payments: string[] = [];
    for (let i = 0; i < 2; i++) {
      const instance = await engine.startInstance({ processId: 'charge' }, SYSTEM);
      const [job] = await engine.fetchAndLock({ type: 'payment', workerId: 'W' }, SYSTEM);
      await engine.failJob(job?.id ?? '', 'W', { retries: 0, errorMessage: 'down' }, SYSTEM);
      payments.push(instance.id);
    }
    const dated = await engine.startInstance({ processId: 'dated', variables: { due: 'soon' } }, SYSTEM);
    // when a retry batch with 4 retries runs over all of them
    const batch = isBatch(
      await engine.createBatch({ kind: 'retry', filter: {}, parameters: { retries: 4 } }, maya),
    );
    expect(batch.total).toBe(3);
    await engine.runDueBatches();
    // then the payments were retried with 4 retries, and the expression incident is a failure with its reason
    const detail: BatchDetail = await engine.getBatch(batch.id, maya);
    expect(detail).toMatchObject({ state: 'completed', done: 2, failed: 1 });
    expect(detail.failures).toEqual([
      expect.objectContaining({
        instanceId: dated.id,
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('no job'),
      }),
    ]);
    for (const id of payments) {
      expect((await engine.getInstance(id)).openIncidents).toBe(0);
      expect((await engine.listJobs({ instanceId: id }, maya)).items[0]?.retries).toBe(4);
    }
    expect((await engine.getInstance(dated.id)).openIncidents).toBe(1);
    expect(await itemStates(batch.id)).toEqual(['done', 'done', 'failed']);
  });

  it('sets variables and migrates instances as batches', async () => {
    // given three instances on version 1 and a version 2
    await engine.deploy(reviewProcess('leave'));
    const ids = await start('leave', 3);
    const v2 = (await engine.deploy(reviewProcess('leave', 'approve'))).definitions[0];
    // when a variables batch and then a migrate batch run
    await engine.createBatch(
      { kind: 'variables', filter: { processId: 'leave' }, parameters: { variables: { region: 'north' } } },
      maya,
    );
    await engine.runDueBatches();
    const migrate = isBatch(
      await engine.createBatch(
        {
          kind: 'migrate',
          filter: { processId: 'leave', version: 1 },
          parameters: {
            targetDefinitionId: v2?.id ?? '',
            mappings: [{ sourceElementId: 'review', targetElementId: 'approve' }],
          },
        },
        maya,
      ),
    );
    await engine.runDueBatches();
    // then every instance has the variable and runs version 2
    const migrated = await engine.getBatch(migrate.id, maya);
    expect(migrated.failures).toEqual([]);
    expect(migrated).toMatchObject({ state: 'completed', done: 3, failed: 0 });
    for (const id of ids) {
      const instance = await engine.getInstance(id);
      expect(instance.variables).toMatchObject({ region: 'north' });
      expect(instance.version).toBe(2);
      expect(instance.activeElements).toEqual({ approve: 1 });
    }
  });

  it('pauses, resumes and cancels; a paused or cancelled batch processes nothing', async () => {
    await engine.deploy(reviewProcess('leave'));
    await start('leave', 5);
    const batch = isBatch(await engine.createBatch({ kind: 'cancel', filter: {} }, maya));
    await engine.runDueBatches({ limit: 1 });
    // when paused
    expect(await engine.pauseBatch(batch.id, maya)).toMatchObject({ state: 'paused', done: 1 });
    // then an executor takes none of its items
    expect(await engine.runDueBatches()).toBe(0);
    await expect(engine.pauseBatch(batch.id, maya)).rejects.toBeInstanceOf(BatchStateConflictError);
    // and resumed, it goes on
    expect(await engine.resumeBatch(batch.id, maya)).toMatchObject({ state: 'running' });
    expect(await engine.runDueBatches({ limit: 2 })).toBe(2);
    // and cancelled, it stops for good with the rest untouched
    expect(await engine.cancelBatch(batch.id, maya)).toMatchObject({ state: 'cancelled', done: 3 });
    expect(await engine.runDueBatches()).toBe(0);
    await expect(engine.resumeBatch(batch.id, maya)).rejects.toBeInstanceOf(BatchStateConflictError);
    expect(await itemStates(batch.id)).toEqual(['done', 'done', 'done', 'pending', 'pending']);
    expect((await engine.listInstances({ status: 'active' })).total).toBe(2);
  });

  it('touches only instances its creator manages, and only they, admins or managers of all its processes control it', async () => {
    // given a finance process and an ops process
    await engine.deploy(reviewProcess('leave'));
    await engine.deploy(reviewProcess('ship'));
    await engine.setProcessAccess('leave', 'managers', ['finance'], SYSTEM);
    await engine.setProcessAccess('ship', 'managers', ['ops'], SYSTEM);
    await start('leave', 2);
    const ships = await start('ship', 2);
    // when otto (ops) cancels everything
    const batch = isBatch(await engine.createBatch({ kind: 'cancel', filter: {} }, otto));
    // then only the ops process's instances are items
    expect(batch).toMatchObject({ total: 2, processIds: ['ship'] });
    // and maya (finance) neither sees nor controls it, while an admin does
    await expect(engine.getBatch(batch.id, maya)).rejects.toBeInstanceOf(BatchNotFoundError);
    await expect(engine.pauseBatch(batch.id, maya)).rejects.toBeInstanceOf(BatchNotFoundError);
    expect((await engine.listBatches({}, maya)).total).toBe(0);
    const admin = userIdentity('ada', { roles: ['admin'] });
    expect((await engine.listBatches({}, admin)).items.map((b) => b.id)).toEqual([batch.id]);
    expect(await engine.pauseBatch(batch.id, admin)).toMatchObject({ state: 'paused' });
    await engine.resumeBatch(batch.id, otto);
    // and if otto loses ops management before it runs, the policy refuses each item as him
    await engine.setProcessAccess('ship', 'managers', ['logistics'], SYSTEM);
    await engine.runDueBatches();
    const detail = await engine.getBatch(batch.id, otto);
    expect(detail).toMatchObject({ done: 0, failed: 2 });
    expect(detail.failures.map((f) => f.code)).toEqual(['INSTANCE_NOT_FOUND', 'INSTANCE_NOT_FOUND']);
    for (const id of ships) expect((await engine.getInstance(id)).status).toBe('active');
    // and staff may not run batches at all
    await expect(engine.createBatch({ kind: 'cancel', filter: {} }, sam)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('refuses bad requests with the field that is wrong', async () => {
    const refused = (request: Parameters<Engine['createBatch']>[0]) =>
      expect(engine.createBatch(request, maya)).rejects.toBeInstanceOf(InvalidArgumentError);
    await refused({ kind: 'explode' as 'cancel', filter: {} });
    await refused({ kind: 'cancel', filter: { version: 2 } });
    await refused({ kind: 'cancel', filter: { instanceIds: ['nope'] } });
    await refused({ kind: 'retry', filter: {}, parameters: { retries: 0 } });
    await refused({ kind: 'migrate', filter: {}, parameters: {} });
    await refused({ kind: 'variables', filter: {}, parameters: { variables: {} } });
    await expect(engine.getBatch('nope', maya)).rejects.toBeInstanceOf(BatchNotFoundError);
  });

  it('never processes one item twice with two engines at work', async () => {
    // given forty instances and a second engine (its own connection pool on PostgreSQL)
    await engine.deploy(reviewProcess('leave'));
    const ids = await start('leave', 40);
    const other = target.name === 'postgres' ? await target.open({ poolSize: 4 }) : database;
    const { engine: second } = await testEngine(other, { workerId: 'second' });
    const batch = isBatch(
      await engine.createBatch(
        { kind: 'variables', filter: {}, parameters: { variables: { flag: true } } },
        maya,
      ),
    );
    // when both process the batch at once
    const [a, b] = await Promise.all([engine.runDueBatches(), second.runDueBatches()]);
    // then together they processed each item once
    expect(a + b).toBe(40);
    expect(await engine.getBatch(batch.id, maya)).toMatchObject({ state: 'completed', done: 40, failed: 0 });
    const { rows } = await sql<{ instance_id: string; n: string }>`
      SELECT instance_id, count(*) AS n FROM history
      WHERE type = 'variables.changed' AND actor = 'maya' GROUP BY instance_id`.execute(database.db);
    expect(rows.map((r) => Number(r.n))).toEqual(ids.map(() => 1));
  });
});

describe.each(databases())('batch operations across a restart on $name', (target) => {
  afterAll(() => target.dispose());

  it('goes on with a running batch after the server stops and starts again', async () => {
    // given a batch half done by one engine's background executor
    const first = await target.openPersistent();
    const { engine } = await testEngine(first);
    await engine.deploy(reviewProcess('restart'));
    for (let i = 0; i < 60; i++) await engine.startInstance({ processId: 'restart' }, SYSTEM);
    const batch = isBatch(
      await engine.createBatch({ kind: 'cancel', filter: { processId: 'restart' } }, maya),
    );
    engine.startExecutor({ pollMs: 50 });
    await waitFor(
      () => engine.getBatch(batch.id, maya),
      (b) => b.done >= 1,
    );
    // when the server stops mid-way
    await engine.stopExecutor();
    const stoppedAt = await engine.getBatch(batch.id, maya);
    expect(stoppedAt.done).toBeLessThan(60);
    await first.close();
    // and starts again on the same database
    const second = await target.openPersistent();
    const { engine: restarted } = await testEngine(second);
    expect(await restarted.getBatch(batch.id, maya)).toMatchObject({
      state: 'running',
      done: stoppedAt.done,
    });
    restarted.startExecutor({ pollMs: 50 });
    // then the new process finishes it, each instance cancelled once
    const done = await waitFor(
      () => restarted.getBatch(batch.id, maya),
      (b) => b.state === 'completed',
    );
    await restarted.stopExecutor();
    expect(done).toMatchObject({ total: 60, done: 60, failed: 0 });
    expect((await restarted.listInstances({ processId: 'restart', status: 'cancelled' })).total).toBe(60);
    await second.close();
  });
});
