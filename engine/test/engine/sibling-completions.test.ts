import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/api.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { SYSTEM } from '../../src/identity.js';
import { bpmnFile, serviceFanOut, serviceTask, userTask } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

const BRANCHES = 8;

/** A fan-out of BRANCHES service tasks of type `work`, joined, then a user task. */
const fanOut = bpmnFile([
  serviceFanOut('fan', {
    branches: BRANCHES,
    jobType: 'work',
    after: [userTask('check', { assignee: 'ann' })],
  }),
]);

/**
 * Branches whose service task is followed by a call activity: each completion starts a child
 * instance (a follow-up on another instance), so completions that arrive together cannot be one
 * write and are written one after the other in their transaction.
 */
const fanOutToChildren = bpmnFile([
  `<bpmn:process id="fan-calls" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="fork" />
    ${[0, 1, 2]
      .map(
        (i) => `${serviceTask(`s${i}`, 'work')}
      <bpmn:callActivity id="c${i}"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>`,
      )
      .join('\n')}
    <bpmn:parallelGateway id="join" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork" />
    ${[0, 1, 2]
      .map(
        (i) => `<bpmn:sequenceFlow id="a${i}" sourceRef="fork" targetRef="s${i}" />
      <bpmn:sequenceFlow id="b${i}" sourceRef="s${i}" targetRef="c${i}" />
      <bpmn:sequenceFlow id="d${i}" sourceRef="c${i}" targetRef="join" />`,
      )
      .join('\n')}
    <bpmn:sequenceFlow id="f1" sourceRef="join" targetRef="end" />
  </bpmn:process>`,
  `<bpmn:process id="child" isExecutable="true">
    <bpmn:startEvent id="cs" />
    ${userTask('review', { assignee: 'ann' })}
    <bpmn:endEvent id="ce" />
    <bpmn:sequenceFlow id="g0" sourceRef="cs" targetRef="review" />
    <bpmn:sequenceFlow id="g1" sourceRef="review" targetRef="ce" />
  </bpmn:process>`,
]);

/** Handlers that all return together once every branch has been called, so completions arrive at once. */
function togetherHandler(count: number, before?: (job: Job) => Promise<void>) {
  let arrived = 0;
  let release: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async (job: Job) => {
    arrived++;
    if (arrived === count) release();
    await all;
    await before?.(job);
    return { [`done_${job.elementId}`]: true };
  };
}

/** Groups change events by the publish call that delivered them (one per committed transaction). */
function publications(engine: Engine): { readonly groups: string[][] } {
  const groups: string[][] = [];
  let current: string[] | undefined;
  engine.onChange((change) => {
    if (!current) {
      current = [];
      groups.push(current);
      queueMicrotask(() => {
        current = undefined;
      });
    }
    current.push(`${change.kind}:${change.change}`);
  });
  return { groups };
}

describe.each(databases())('sibling job completions of one instance on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    await engine.deploy(fanOut);
  });

  it('writes completions that arrive together as one write in one commit, each acknowledged after it, durably', async () => {
    // given every branch's job claimed at once, their handlers returning together
    engine.registerHandler('work', togetherHandler(BRANCHES));
    const feed = publications(engine);
    const instance = await engine.startInstance({ processId: 'fan' }, SYSTEM);
    // when the executor runs them
    const ran = await engine.runDueJobs({ limit: BRANCHES });
    // then every job ran once and the instance went past the join
    expect(ran).toBe(BRANCHES);
    // and the completions that returned together were ONE write in one commit: the change feed
    // published a single instance update for all of them
    const updates = feed.groups.map((g) => g.filter((c) => c === 'instance:updated').length);
    expect(updates.filter((n) => n > 0)).toEqual([1]);
    // and all of it is durable: a new engine on the same database sees the same
    const { engine: fresh } = await testEngine(database);
    const after = await fresh.getInstance(instance.id);
    for (let i = 0; i < BRANCHES; i++) expect(after.variables[`done_s${i}`]).toBe(true);
    const history = await fresh.getHistory(instance.id);
    const completedBranches = history.filter(
      (e) => e.type === 'element.completed' && /^s\d+$/.test(e.elementId ?? ''),
    );
    expect(completedBranches.map((e) => e.elementId).sort()).toEqual(
      Array.from({ length: BRANCHES }, (_, i) => `s${i}`).sort(),
    );
    expect(history.filter((e) => e.type === 'element.completed' && e.elementId === 'join')).toHaveLength(1);
    const seqs = history.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    const open = await fresh.listTasks({ instanceId: instance.id, state: 'created' });
    expect(open.items.map((t) => t.elementId)).toEqual(['check']);
    expect((await database.db.selectFrom('jobs').select('id').execute()).length).toBe(0);
  });

  it('writes the completions of an instance this engine wrote last as ONE statement: no transaction, no read of the instance', async () => {
    // given an engine whose statements are recorded by what they return, which started the
    // instance (so it knows the row it wrote), and every branch's handler returning together
    const seen: string[] = [];
    const recording: Database = {
      ...database,
      db: database.db.withPlugin({
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          const columns = Object.keys(args.result.rows[0] ?? {});
          // A write plan answers `seq` and `guarded`; a read of an instance row has its `state`.
          seen.push(
            columns.includes('guarded')
              ? 'write'
              : columns.includes('history_seq')
                ? 'instance read'
                : 'other',
          );
          return args.result;
        },
      }),
    };
    const { engine: warm } = await testEngine(recording);
    warm.registerHandler('work', togetherHandler(BRANCHES));
    const instance = await warm.startInstance({ processId: 'fan' }, SYSTEM);
    // when its executor claims and runs them
    seen.length = 0;
    expect(await warm.runDueJobs({ limit: BRANCHES })).toBe(BRANCHES);
    // then the eight completions were ONE write, with no read of the instance before it (the lock
    // read that opens every command's transaction)
    expect(seen.filter((s) => s !== 'other')).toEqual(['write']);
    const after = await warm.getInstance(instance.id);
    for (let i = 0; i < BRANCHES; i++) expect(after.variables[`done_s${i}`]).toBe(true);
    expect((await database.db.selectFrom('jobs').select('id').execute()).length).toBe(0);
    // and an engine that did not write it last reads (and locks) it first, in a transaction
    const other = await warm.startInstance({ processId: 'fan' }, SYSTEM);
    const { engine: cold } = await testEngine(recording, { workerId: 'cold' });
    cold.registerHandler('work', togetherHandler(BRANCHES));
    seen.length = 0;
    expect(await cold.runDueJobs({ limit: BRANCHES })).toBe(BRANCHES);
    expect(seen.filter((s) => s !== 'other')).toEqual(['instance read', 'write']);
    expect((await warm.getInstance(other.id)).variables.done_s0).toBe(true);
  });

  it.runIf(target.name === 'postgres')(
    'does not wait on a job row another transaction holds: the write falls back to a transaction, which completes every branch once',
    async () => {
      // given a handler during which another session locks one branch's job row for a moment
      const locker = await target.open({ poolSize: 1 });
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let holding: Promise<unknown> = Promise.resolve();
      engine.registerHandler(
        'work',
        togetherHandler(BRANCHES, async (job) => {
          if (job.elementId !== 's5') return;
          let locked: () => void = () => {};
          const isLocked = new Promise<void>((resolve) => {
            locked = resolve;
          });
          holding = locker.db.transaction().execute(async (trx) => {
            await trx.selectFrom('jobs').select('id').where('id', '=', job.id).forUpdate().execute();
            locked();
            await released;
          });
          await isLocked;
          setTimeout(release, 200);
        }),
      );
      const instance = await engine.startInstance({ processId: 'fan' }, SYSTEM);
      // when the executor runs them all
      expect(await engine.runDueJobs({ limit: BRANCHES })).toBe(BRANCHES);
      await holding;
      // then every branch completed exactly once, the join passed once, and no job is left
      const history = await engine.getHistory(instance.id);
      const branches = history.filter(
        (e) => e.type === 'element.completed' && /^s\d+$/.test(e.elementId ?? ''),
      );
      expect(branches.map((e) => e.elementId).sort()).toEqual(
        Array.from({ length: BRANCHES }, (_, i) => `s${i}`).sort(),
      );
      expect(history.filter((e) => e.type === 'element.completed' && e.elementId === 'join')).toHaveLength(1);
      expect((await database.db.selectFrom('jobs').select('id').execute()).length).toBe(0);
      expect((await onlyOpenTask(engine, instance.id)).elementId).toBe('check');
      await locker.close();
    },
  );

  it('writes completions that start child instances one after the other in one transaction, each child once', async () => {
    // given three branches whose completions each start a child instance, returning together
    await engine.deploy(fanOutToChildren);
    engine.registerHandler('work', togetherHandler(3));
    const feed = publications(engine);
    const instance = await engine.startInstance({ processId: 'fan-calls' }, SYSTEM);
    // when the executor runs them
    expect(await engine.runDueJobs({ limit: 3 })).toBe(3);
    // then each branch started exactly one child, each waiting on its review
    const children = await engine.listInstances({ parentInstanceId: instance.id });
    expect(children.total).toBe(3);
    const reviews = await engine.listTasks({ processId: 'child', state: 'created' });
    expect(reviews.total).toBe(3);
    const history = await engine.getHistory(instance.id);
    expect(
      history
        .filter((e) => e.type === 'element.completed' && /^s\d$/.test(e.elementId ?? ''))
        .map((e) => e.elementId)
        .sort(),
    ).toEqual(['s0', 's1', 's2']);
    expect((await database.db.selectFrom('jobs').select('id').execute()).length).toBe(0);
    // and they went in one commit (one publication), written one after the other
    const updates = feed.groups.map((g) => g.filter((c) => c === 'instance:updated').length);
    expect(updates.filter((n) => n > 0)).toHaveLength(1);
    expect(Math.max(...updates)).toBeGreaterThan(1);
  });

  it('leaves a job whose lease went elsewhere to its new holder and writes the others; exactly one completes it', async () => {
    // given one branch's job taken over by another worker while its handler ran
    let stolen: string | undefined;
    engine.registerHandler(
      'work',
      togetherHandler(BRANCHES, async (job) => {
        if (job.elementId !== 's3') return;
        stolen = job.id;
        await database.db
          .updateTable('jobs')
          .set({ locked_by: 'other-worker' })
          .where('id', '=', job.id)
          .execute();
      }),
    );
    const instance = await engine.startInstance({ processId: 'fan' }, SYSTEM);
    // when the executor runs them all
    await engine.runDueJobs({ limit: BRANCHES });
    // then every other branch is done and the join still waits for s3, whose job is still there
    const mid = await engine.getInstance(instance.id);
    for (let i = 0; i < BRANCHES; i++) expect(mid.variables[`done_s${i}`]).toBe(i === 3 ? undefined : true);
    const left = await database.db.selectFrom('jobs').select(['id', 'locked_by']).execute();
    expect(left).toEqual([{ id: stolen, locked_by: 'other-worker' }]);
    expect((await engine.listTasks({ instanceId: instance.id, state: 'created' })).total).toBe(0);
    // and its holder completes it once; a second report of it is refused
    await engine.completeJob(stolen!, 'other-worker', { done_s3: true }, SYSTEM);
    await expect(engine.completeJob(stolen!, 'other-worker', {}, SYSTEM)).rejects.toThrow();
    const open = await engine.listTasks({ instanceId: instance.id, state: 'created' });
    expect(open.items.map((t) => t.elementId)).toEqual(['check']);
    const history = await engine.getHistory(instance.id);
    expect(history.filter((e) => e.type === 'element.completed' && e.elementId === 's3')).toHaveLength(1);
  });

  it('finishes sibling branches of many instances run by two engines, each branch exactly once', async () => {
    // given instances whose jobs two engines on the same database run at once
    const second = target.name === 'postgres' ? await target.open({ poolSize: 4 }) : database;
    const { engine: other } = await testEngine(second, { workerId: 'second' });
    const calls = new Map<string, number>();
    const handler = async (job: Job) => {
      calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { [`done_${job.elementId}`]: true };
    };
    engine.registerHandler('work', handler);
    other.registerHandler('work', handler);
    const instances = [];
    for (let i = 0; i < 4; i++) instances.push(await engine.startInstance({ processId: 'fan' }, SYSTEM));
    // when both drain, several callers each
    await Promise.all([
      ...Array.from({ length: 3 }, () => engine.runDueJobs({ limit: 4 })),
      ...Array.from({ length: 3 }, () => other.runDueJobs({ limit: 4 })),
    ]);
    await engine.runDueJobs({ limit: 50 });
    // then every branch of every instance completed exactly once, and every instance passed its join once
    expect(calls.size).toBe(4 * BRANCHES);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    for (const instance of instances) {
      const history = await engine.getHistory(instance.id);
      expect(
        history.filter((e) => e.type === 'element.completed' && /^s\d+$/.test(e.elementId ?? '')),
      ).toHaveLength(BRANCHES);
      expect(history.filter((e) => e.type === 'element.completed' && e.elementId === 'join')).toHaveLength(1);
      const open = await engine.listTasks({ instanceId: instance.id, state: 'created' });
      expect(open.items.map((t) => t.elementId)).toEqual(['check']);
    }
    await other.close();
  });
});
