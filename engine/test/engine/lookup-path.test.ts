import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { ConcurrencyError, ForbiddenError, TaskNotActiveError } from '../../src/errors.js';
import { userIdentity } from '../../src/identity.js';
import {
  INSTANCE_BATCH_LOOKUP_SQL,
  INSTANCE_LOOKUP_SQL,
  InstanceTaskLookups,
  isInstanceLookup,
  listInstanceTasks,
} from '../../src/persistence/instance-tasks.js';
import { listTasks } from '../../src/persistence/task-queries.js';
import { bpmnFile, endEvent, linearProcess, startEvent, userTask } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { T0, testEngine } from '../support/engines.js';

const ann = userIdentity('ann', { groups: ['leads'] });
const leo = userIdentity('leo', { groups: ['leads'] });
const mia = userIdentity('mia', { roles: ['admin'] });

const steps = bpmnFile([
  linearProcess('steps', [
    startEvent(),
    userTask('draft', { assignee: '=requester' }),
    userTask('review', { groups: 'leads' }),
    userTask('approve', { groups: 'leads' }),
    endEvent(),
  ]),
]);

/** Three tasks open at once, each with a due date, for sorting and paging. */
const fanOut = bpmnFile([
  `<bpmn:process id="fan" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="fork" />
    ${userTask('a', { groups: 'leads', due: '=date and time(&quot;2026-03-05T08:00:00Z&quot;)' })}
    ${userTask('b', { groups: 'leads', due: '=date and time(&quot;2026-03-03T08:00:00Z&quot;)' })}
    ${userTask('c', { groups: 'leads' })}
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork" />
    <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="a" />
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="b" />
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="c" />
  </bpmn:process>`,
]);

describe.each(databases())('the by-instance task lookup on $name', (target) => {
  let database: Database;
  let engine: Engine;
  let other: Engine;
  let second: Database;
  beforeAll(async () => {
    database = await target.open();
    // A second engine process on the same database (its own pool on PostgreSQL).
    second = target.name === 'postgres' ? await target.open({ poolSize: 4 }) : database;
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    // Its cache knows nothing the first engine wrote.
    ({ engine: other } = await testEngine(second));
    await engine.deploy(steps);
    await engine.deploy(fanOut);
  });

  it('answers every by-instance filter exactly as the general task query does', async () => {
    // given an instance with three open tasks and one with a completed and an open one
    const fan = await engine.startInstance({ processId: 'fan' }, mia);
    const line = await engine.startInstance({ processId: 'steps', variables: { requester: 'ann' } }, ann);
    const draft = (await engine.listTasks({ instanceId: line.id, state: 'created' })).items[0]!;
    await engine.completeTask(draft.id, {}, ann);
    const filters = [
      { instanceId: fan.id },
      { instanceId: fan.id, state: 'created' as const },
      { instanceId: fan.id, state: 'completed' as const },
      { instanceId: fan.id, sort: 'sequence' as const },
      { instanceId: fan.id, sort: 'created' as const },
      { instanceId: fan.id, sort: 'priority' as const },
      { instanceId: fan.id, limit: 2 },
      { instanceId: fan.id, limit: 2, offset: 2 },
      { instanceId: fan.id, limit: 1, offset: 5 },
      { instanceId: fan.id, limit: 3 },
      { instanceId: line.id },
      { instanceId: line.id, state: 'created' as const },
      { instanceId: 'not-a-uuid' },
      { instanceId: '00000000-0000-4000-8000-000000000000' },
    ];
    for (const filter of filters) {
      expect(isInstanceLookup(filter)).toBe(true);
      // when both paths answer
      const lean = await listInstanceTasks(database.db, filter);
      const general = await listTasks(database.db, filter, T0);
      // then they agree on the page and on the total
      expect({ filter, page: lean.page }).toEqual({ filter, page: general });
    }
    expect(
      (await listInstanceTasks(database.db, { instanceId: fan.id })).page.items.map((t) => t.elementId),
    ).toEqual(['b', 'a', 'c']);
    // a person-based filter is not a by-instance lookup
    expect(isInstanceLookup({ instanceId: fan.id, visibleTo: { user: 'ann', groups: [] } })).toBe(false);
    expect(isInstanceLookup({ instanceId: fan.id, elementId: 'a' })).toBe(false);
    expect(isInstanceLookup({ state: 'created' })).toBe(false);
  });

  it('answers lookups asked while one is in flight together, in one statement, each as it would alone', async () => {
    // given instances with three open tasks, one open task, a completed and an open one
    const fans = [
      await engine.startInstance({ processId: 'fan' }, mia),
      await engine.startInstance({ processId: 'fan' }, mia),
    ];
    const line = await engine.startInstance({ processId: 'steps', variables: { requester: 'ann' } }, ann);
    const done = await engine.startInstance({ processId: 'steps', variables: { requester: 'ann' } }, ann);
    const draft = (await engine.listTasks({ instanceId: done.id, state: 'created' })).items[0]!;
    await engine.completeTask(draft.id, {}, ann);
    const missing = '00000000-0000-4000-8000-000000000000';
    const ids = [fans[0]!.id, line.id, done.id, missing, fans[1]!.id, done.id, 'not-a-uuid', fans[0]!.id];
    const shapes = [
      { state: 'created' as const },
      {},
      { state: 'completed' as const },
      { sort: 'sequence' as const },
      { sort: 'created' as const, limit: 2 },
      { sort: 'priority' as const, limit: 3 },
      { limit: 1, offset: 1 },
    ];
    for (const shape of shapes) {
      // when each shape is asked for every instance at once
      const lookups = new InstanceTaskLookups(database.db);
      const together = await Promise.all(ids.map((instanceId) => lookups.lookup({ instanceId, ...shape })));
      // then each answer, page and remembered instance, is what the lookup alone answers
      for (const [k, instanceId] of ids.entries()) {
        const alone = await listInstanceTasks(database.db, { instanceId, ...shape });
        expect({ instanceId, shape, answer: together[k] }).toEqual({ instanceId, shape, answer: alone });
      }
      // and the first pages took two statements: the first alone, the rest together (a later page
      // goes alone; an id that is no uuid needs none)
      const batched = shape.offset === undefined;
      expect(lookups.statements).toBe(batched ? 2 : ids.length - 1);
    }
    expect((await listInstanceTasks(database.db, { instanceId: fans[0]!.id })).page.total).toBe(3);
    // and a statement takes at most 100 lookups: 250 at once go as 1 alone, then 100, 100 and 49
    const many = new InstanceTaskLookups(database.db);
    const four = [fans[0]!.id, line.id, done.id, missing];
    const answers = await Promise.all(
      Array.from({ length: 250 }, (_, k) => many.lookup({ instanceId: four[k % 4]!, state: 'created' })),
    );
    expect(many.statements).toBe(4);
    for (const [k, instanceId] of four.entries()) {
      const alone = await listInstanceTasks(database.db, { instanceId, state: 'created' });
      for (let n = k; n < 250; n += 4) expect(answers[n]).toEqual(alone);
    }
  });

  it("reads the instance's tasks through the instance index alone, whatever else is open or was completed", async () => {
    // given many open tasks of other instances, and as many completed since
    for (let i = 0; i < 40; i++) {
      const started = await engine.startInstance(
        { processId: 'steps', variables: { requester: 'ann' } },
        ann,
      );
      if (i % 2 === 0) {
        const draft = await engine.listTasks({ instanceId: started.id, state: 'created' });
        await engine.completeTask(draft.items[0]!.id, {}, ann);
      }
    }
    const mine = await engine.startInstance({ processId: 'fan' }, ann);
    // when the lookup's statements (one instance, several) are planned for an open-task filter
    const { rows } = await database.db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${INSTANCE_LOOKUP_SQL('due')}`, [mine.id, 'created', 50, 0]),
    );
    const batch = await database.db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${INSTANCE_BATCH_LOOKUP_SQL('due')}`, [
        [mine.id, mine.id],
        'created',
        50,
      ]),
    );
    // then the only index either reads of user_tasks is the instance index
    for (const explained of [rows, batch.rows]) {
      const plan = JSON.stringify(explained[0]?.['QUERY PLAN']);
      const taskIndexes = [...plan.matchAll(/"Index Name":\s*"(user_tasks[a-z_]*)"/g)].map((m) => m[1]);
      expect(taskIndexes.length).toBeGreaterThan(0);
      expect(new Set(taskIndexes)).toEqual(new Set(['user_tasks_instance']));
    }
    // and it answers the instance's open tasks
    const page = await engine.listTasks({ instanceId: mine.id, state: 'created' });
    expect(page.items.map((t) => t.elementId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('completes through a second engine after its lookup, durably, with the same history as the slow path', async () => {
    // given an instance the first engine wrote
    const instance = await engine.startInstance({ processId: 'steps', variables: { requester: 'ann' } }, ann);
    for (const [step, who] of [
      [0, ann],
      [1, leo],
      [2, ann],
    ] as const) {
      // when the other engine (cold) finds the open task and completes it
      const lookup = step % 2 === 0 ? other : engine;
      const { items, total } = await lookup.listTasks({ instanceId: instance.id, state: 'created' });
      expect(total).toBe(1);
      await lookup.completeTask(items[0]!.id, { step }, who);
    }
    // then a fresh engine sees the instance completed, every task completed by its person
    const { engine: fresh } = await testEngine(database);
    expect((await fresh.getInstance(instance.id)).status).toBe('completed');
    const tasks = (await fresh.listTasks({ instanceId: instance.id, sort: 'sequence' })).items;
    expect(tasks.map((t) => [t.elementId, t.state, t.completedBy])).toEqual([
      ['draft', 'completed', 'ann'],
      ['review', 'completed', 'leo'],
      ['approve', 'completed', 'ann'],
    ]);
    const history = (await fresh.getHistory(instance.id)).map((e) => e.type);
    expect(history.filter((t) => t === 'task.completed')).toHaveLength(3);
    expect(history.at(-1)).toBe('instance.completed');
    expect((await fresh.getInstance(instance.id)).variables).toMatchObject({ step: 2 });
  });

  it('decides on the current task when another engine reassigned it after the lookup', async () => {
    // given the review task, looked up (and remembered) by the second engine
    const instance = await engine.startInstance({ processId: 'steps', variables: { requester: 'ann' } }, ann);
    await engine.completeTask(
      (await engine.listTasks({ instanceId: instance.id, state: 'created' })).items[0]!.id,
      {},
      ann,
    );
    const review = (await other.listTasks({ instanceId: instance.id, state: 'created' })).items[0]!;
    expect(review.assignee).toBeNull();
    // when the first engine assigns it to leo
    await engine.assignTask(review.id, 'leo', mia);
    // then ann, a candidate when the second engine looked, may no longer complete it there
    await expect(other.completeTask(review.id, {}, ann)).rejects.toBeInstanceOf(ForbiddenError);
    // and leo may
    await other.completeTask(review.id, {}, leo);
    expect((await engine.getTask(review.id)).completedBy).toBe('leo');
  });

  it('lets exactly one of two engines complete a task both looked up', async () => {
    for (let trial = 0; trial < 10; trial++) {
      // given a draft both engines found through the lookup
      const instance = await engine.startInstance(
        { processId: 'steps', variables: { requester: 'ann' } },
        ann,
      );
      const [a, b] = await Promise.all([
        engine.listTasks({ instanceId: instance.id, state: 'created' }),
        other.listTasks({ instanceId: instance.id, state: 'created' }),
      ]);
      expect(a.items[0]!.id).toBe(b.items[0]!.id);
      // when both complete it at once
      const results = await Promise.allSettled([
        engine.completeTask(a.items[0]!.id, { by: 'one' }, ann),
        other.completeTask(b.items[0]!.id, { by: 'two' }, ann),
      ]);
      // then one wins and the other is told the task is no longer open
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(
        lost.reason instanceof TaskNotActiveError || lost.reason instanceof ConcurrencyError,
        String(lost.reason),
      ).toBe(true);
      const open = await engine.listTasks({ instanceId: instance.id, state: 'created' });
      expect(open.items.map((t) => t.elementId)).toEqual(['review']);
      expect((await engine.getHistory(instance.id)).filter((e) => e.type === 'task.completed')).toHaveLength(
        1,
      );
    }
  });
});
