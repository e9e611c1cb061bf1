import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { DefinitionNotFoundError, InvalidArgumentError, StartGatheringFullError } from '../../src/errors.js';
import { MAX_WAITING_TRIGGERS } from '../../src/start-gathering.js';
import { SYSTEM } from '../../src/identity.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

const HOUR = 3_600_000;

/** A file with one process `p`: the start event `all` with `definitions`, then a user task. */
const file = (definitions: string, roots: string, name = 'p') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" name="${name}" isExecutable="true">
    <bpmn:startEvent id="all" parallelMultiple="true">${definitions}</bpmn:startEvent>
    <bpmn:userTask id="triage" /><bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="all" targetRef="triage" /><bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="e" />
  </bpmn:process>${roots}
</bpmn:definitions>`;

/** Starts once both the order and the payment message have arrived. */
const twoMessages = file(
  '<bpmn:messageEventDefinition messageRef="m1" /><bpmn:messageEventDefinition messageRef="m2" />',
  '<bpmn:message id="m1" name="order" /><bpmn:message id="m2" name="payment" />',
);

describe.each(databases())('parallel multiple start events on $name', (target) => {
  let database: Database;
  let engine: Engine;
  let clock: VirtualClock;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine, clock } = await testEngine(database));
    await truncateEngineTables(database);
  });

  const instances = async () => (await engine.listInstances({ processId: 'p' })).items;

  it('starts no instance after one of two messages, and one with both payloads merged after the other', async () => {
    // given
    await engine.deploy(twoMessages);
    // when the order arrives
    const first = await engine.correlateMessage(
      { name: 'order', variables: { item: 'ab-1', note: 'from order' } },
      SYSTEM,
    );
    // then nothing started; the gathering holds the order and misses the payment
    expect(first).toEqual({ instanceId: null, gathered: { processId: 'p', startEventId: 'all' } });
    expect(await instances()).toEqual([]);
    const [open, ...others] = await engine.listStartGatherings({ processId: 'p' });
    expect(others).toEqual([]);
    expect(open).toMatchObject({
      processId: 'p',
      version: 1,
      startEventId: 'all',
      correlationKey: null,
      triggers: [{ kind: 'message', definition: 0, name: 'order' }],
      missing: [{ definition: 1, kind: 'message', name: 'payment' }],
      queued: 0,
    });
    // when the payment arrives
    const second = await engine.correlateMessage(
      { name: 'payment', variables: { amount: 12, note: 'from payment' } },
      SYSTEM,
    );
    // then one instance started, with both payloads merged in arrival order (later wins)
    expect(second.instanceId).not.toBeNull();
    const instance = await engine.getInstance(second.instanceId as string);
    expect(instance.activeElements).toEqual({ triage: 1 });
    expect(instance.variables).toEqual({ item: 'ab-1', amount: 12, note: 'from payment' });
    expect(await instances()).toHaveLength(1);
    expect(await engine.listStartGatherings({ processId: 'p' })).toEqual([]);
    // and its history says which triggers started it
    const started = (await engine.getHistory(instance.id)).find((event) => event.type === 'instance.started');
    expect(started?.elementId).toBe('all');
    expect(started?.data).toMatchObject({
      processId: 'p',
      parallelMultiple: {
        triggers: [
          { kind: 'message', definition: 0, name: 'order' },
          { kind: 'message', definition: 1, name: 'payment' },
        ],
      },
    });
  });

  it('keeps a repeated trigger for the next gathering, which starts a second instance once the other repeats', async () => {
    // given
    await engine.deploy(twoMessages);
    // when the order arrives twice, then the payment once
    await engine.correlateMessage({ name: 'order', variables: { order: 1 } }, SYSTEM);
    await engine.correlateMessage({ name: 'order', variables: { order: 2 } }, SYSTEM);
    const [queued] = await engine.listStartGatherings({ processId: 'p' });
    expect(queued).toMatchObject({ triggers: [{ name: 'order' }], queued: 1 });
    const firstPayment = await engine.correlateMessage({ name: 'payment', variables: { pay: 1 } }, SYSTEM);
    // then the first gathering started an instance with the first order; the second order waits
    expect((await engine.getInstance(firstPayment.instanceId as string)).variables).toEqual({
      order: 1,
      pay: 1,
    });
    expect(await instances()).toHaveLength(1);
    const [next] = await engine.listStartGatherings({ processId: 'p' });
    expect(next).toMatchObject({
      triggers: [{ name: 'order' }],
      missing: [{ name: 'payment' }],
      queued: 0,
    });
    // when the payment repeats
    const secondPayment = await engine.correlateMessage({ name: 'payment', variables: { pay: 2 } }, SYSTEM);
    // then a second instance starts with the second order
    expect((await engine.getInstance(secondPayment.instanceId as string)).variables).toEqual({
      order: 2,
      pay: 2,
    });
    expect(await instances()).toHaveLength(2);
    expect(await engine.listStartGatherings({ processId: 'p' })).toEqual([]);
  });

  it('starts on a signal, a message and a due timer together; the timer counts again for the next gathering', async () => {
    // given a start event that needs the audit signal, the report message and one hour
    await engine.deploy(
      file(
        `<bpmn:signalEventDefinition signalRef="s1" /><bpmn:messageEventDefinition messageRef="m1" />
         <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>`,
        '<bpmn:signal id="s1" name="audit" /><bpmn:message id="m1" name="report" />',
      ),
    );
    // when the signal and the message arrive
    expect(await engine.broadcastSignal({ name: 'audit', variables: { auditor: 'li' } }, SYSTEM)).toEqual({
      delivered: 1,
    });
    await engine.correlateMessage({ name: 'report', variables: { pages: 3 } }, SYSTEM);
    // then nothing started until the hour has passed
    expect(await instances()).toEqual([]);
    const [waiting] = await engine.listStartGatherings({ processId: 'p' });
    expect(waiting?.missing).toEqual([{ definition: 2, kind: 'timer', name: null }]);
    clock.advance(HOUR - 1);
    expect(await engine.runDueJobs()).toBe(0);
    clock.advance(1);
    expect(await engine.runDueJobs()).toBe(1);
    const [instance, ...more] = await instances();
    expect(more).toEqual([]);
    expect((await engine.getInstance(instance?.id as string)).variables).toEqual({ auditor: 'li', pages: 3 });
    const started = (await engine.getHistory(instance?.id as string)).find(
      (event) => event.type === 'instance.started',
    );
    expect(started?.data).toMatchObject({
      parallelMultiple: {
        triggers: [
          { kind: 'signal', name: 'audit' },
          { kind: 'message', name: 'report' },
          { kind: 'timer', definition: 2, name: null },
        ],
      },
    });
    // and the timer is armed again for the next gathering, an hour after the first closed
    const timers = await database.db.selectFrom('jobs').select(['kind', 'due_at']).execute();
    expect(timers.map((job) => [job.kind, new Date(job.due_at).getTime()])).toEqual([
      ['timerStart', clock.now().getTime() + HOUR],
    ]);
    clock.advance(HOUR);
    expect(await engine.runDueJobs()).toBe(1);
    await engine.broadcastSignal({ name: 'audit' }, SYSTEM);
    expect(await instances()).toHaveLength(1);
    await engine.correlateMessage({ name: 'report' }, SYSTEM);
    expect(await instances()).toHaveLength(2);
  });

  it('counts each firing of a cycle timer for the open or the next gathering', async () => {
    // given a start event that needs the report message and an hourly tick, at most three ticks
    await engine.deploy(
      file(
        `<bpmn:messageEventDefinition messageRef="m1" />
         <bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>`,
        '<bpmn:message id="m1" name="report" />',
      ),
    );
    // when two ticks pass
    clock.advance(HOUR);
    expect(await engine.runDueJobs()).toBe(1);
    clock.advance(HOUR);
    expect(await engine.runDueJobs()).toBe(1);
    // then one waits in the open gathering, one for the next
    const [open] = await engine.listStartGatherings({ processId: 'p' });
    expect(open).toMatchObject({ triggers: [{ kind: 'timer' }], missing: [{ name: 'report' }], queued: 1 });
    // when two reports arrive, two instances start
    await engine.correlateMessage({ name: 'report', variables: { n: 1 } }, SYSTEM);
    await engine.correlateMessage({ name: 'report', variables: { n: 2 } }, SYSTEM);
    expect(await instances()).toHaveLength(2);
    expect(await engine.listStartGatherings({ processId: 'p' })).toEqual([]);
  });

  it('keeps a gathering across a new engine on the same database', async () => {
    // given the order gathered by one engine
    await engine.deploy(twoMessages);
    await engine.correlateMessage({ name: 'order', variables: { item: 'x' } }, SYSTEM);
    await engine.close();
    // when a new engine on the same database gets the payment
    const { engine: fresh } = await testEngine(database);
    engine = fresh;
    const { instanceId } = await fresh.correlateMessage(
      { name: 'payment', variables: { paid: true } },
      SYSTEM,
    );
    // then the instance starts with both
    expect((await fresh.getInstance(instanceId as string)).variables).toEqual({ item: 'x', paid: true });
  });

  it('gathers per correlation key when the messages declare one; the key becomes the business key', async () => {
    // given messages with a correlation key
    const keyed = file(
      '<bpmn:messageEventDefinition messageRef="m1" /><bpmn:messageEventDefinition messageRef="m2" />',
      `<bpmn:message id="m1" name="order"><bpmn:extensionElements><zeebe:subscription correlationKey="=orderId" /></bpmn:extensionElements></bpmn:message>
       <bpmn:message id="m2" name="payment"><bpmn:extensionElements><zeebe:subscription correlationKey="=orderId" /></bpmn:extensionElements></bpmn:message>`,
    );
    await engine.deploy(keyed);
    // when the order of k1 and the payment of k2 arrive
    await engine.correlateMessage({ name: 'order', correlationKey: 'k1' }, SYSTEM);
    await engine.correlateMessage({ name: 'payment', correlationKey: 'k2' }, SYSTEM);
    // then two gatherings wait, one per key
    expect(await instances()).toEqual([]);
    const open = await engine.listStartGatherings({ processId: 'p' });
    expect(open.map((gathering) => gathering.correlationKey)).toEqual(['k1', 'k2']);
    // a message without a key is refused
    await expect(engine.correlateMessage({ name: 'order' }, SYSTEM)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    // when the payment of k1 arrives, k1 starts
    const { instanceId } = await engine.correlateMessage({ name: 'payment', correlationKey: 'k1' }, SYSTEM);
    expect((await engine.getInstance(instanceId as string)).businessKey).toBe('k1');
    expect((await engine.listStartGatherings({ processId: 'p' })).map((g) => g.correlationKey)).toEqual([
      'k2',
    ]);
  });

  it('drops the open gatherings of the old version when a new version is deployed, with a warning', async () => {
    // given an open gathering of version 1
    await engine.deploy(twoMessages);
    await engine.correlateMessage({ name: 'order', variables: { old: true } }, SYSTEM);
    // when version 2 is deployed
    const result = await engine.deploy(twoMessages.replace('name="p"', 'name="p, version 2"'));
    // then the deploy says so, and the gathering is gone
    expect(result.definitions[0]?.version).toBe(2);
    expect(result.warnings).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'start.gatherings-dropped' }),
    ]);
    expect(result.warnings[0]?.message).toContain('1 open gathering');
    expect(await engine.listStartGatherings({ processId: 'p' })).toEqual([]);
    // and version 2 needs both messages again
    await engine.correlateMessage({ name: 'payment' }, SYSTEM);
    expect(await instances()).toEqual([]);
    const { instanceId } = await engine.correlateMessage(
      { name: 'order', variables: { fresh: true } },
      SYSTEM,
    );
    const instance = await engine.getInstance(instanceId as string);
    expect(instance.version).toBe(2);
    expect(instance.variables).toEqual({ fresh: true });
    // and a deploy with nothing open warns of nothing
    expect((await engine.deploy(twoMessages)).warnings).toEqual([]);
  });

  it('refuses a trigger once a gathering holds as many waiting triggers as it may, and takes the one it misses', async () => {
    // given a gathering whose order arrived MAX_WAITING_TRIGGERS times (one open, the rest queued)
    const { definitions } = await engine.deploy(twoMessages);
    await engine.correlateMessage({ name: 'order', variables: {} }, SYSTEM);
    await sql`INSERT INTO start_gathering_triggers (definition_id, element_id, gathering_key, seq,
        definition_index, kind, name, correlation_key, variables, arrived_at)
      SELECT ${definitions[0]!.id}::uuid, 'all', '', 1 + n, 0, 'message', 'order', NULL, '{}'::jsonb, now()
      FROM generate_series(1, ${MAX_WAITING_TRIGGERS - 1}) AS n`.execute(database.db);
    await sql`UPDATE start_gatherings SET next_seq = ${MAX_WAITING_TRIGGERS}`.execute(database.db);
    // when one more order arrives, it is refused and nothing changes
    await expect(engine.correlateMessage({ name: 'order', variables: {} }, SYSTEM)).rejects.toBeInstanceOf(
      StartGatheringFullError,
    );
    const [open] = await engine.listStartGatherings({ processId: 'p' });
    expect(open?.queued).toBe(MAX_WAITING_TRIGGERS - 1);
    expect(await instances()).toEqual([]);
    // when the payment the open gathering misses arrives, it is taken and starts the instance
    const paid = await engine.correlateMessage({ name: 'payment', variables: {} }, SYSTEM);
    expect(paid.instanceId).toEqual(expect.any(String));
    expect(await instances()).toHaveLength(1);
  });

  describe('with a conditional definition', () => {
    /** Starts once the order message has arrived and a condition (ready) held for evaluated variables. */
    const orderAndCondition = file(
      `<bpmn:messageEventDefinition messageRef="m1" />
       <bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=ready = true</bpmn:condition></bpmn:conditionalEventDefinition>`,
      '<bpmn:message id="m1" name="order" />',
    );

    it('starts only after the message and the condition, in either order, with both payloads merged', async () => {
      // given
      await engine.deploy(orderAndCondition);
      // when the condition does not hold, nothing is gathered
      expect(await engine.evaluateConditions({ variables: { ready: false } }, SYSTEM)).toEqual({
        started: [],
        gathered: [],
        notAllowed: [],
        failed: [],
      });
      expect(await engine.listStartGatherings({ processId: 'p' })).toEqual([]);
      // when it holds (condition first)
      const held = await engine.evaluateConditions(
        { variables: { ready: true, note: 'from condition', level: 1 } },
        SYSTEM,
      );
      // then the condition is gathered, nothing started, and the message is missing
      expect(held).toEqual({
        started: [],
        gathered: [{ processId: 'p', startEventId: 'all', instanceId: null }],
        notAllowed: [],
        failed: [],
      });
      expect(await instances()).toEqual([]);
      const [open] = await engine.listStartGatherings({ processId: 'p' });
      expect(open).toMatchObject({
        triggers: [{ kind: 'conditional', definition: 1, name: null }],
        missing: [{ definition: 0, kind: 'message', name: 'order' }],
        queued: 0,
      });
      // when the order arrives, on a new engine (a restart)
      ({ engine } = await testEngine(database));
      const ordered = await engine.correlateMessage(
        { name: 'order', variables: { item: 'ab-1', note: 'from order' } },
        SYSTEM,
      );
      // then one instance started with both payloads, later wins
      const first = await engine.getInstance(ordered.instanceId as string);
      expect(first.variables).toEqual({ ready: true, level: 1, item: 'ab-1', note: 'from order' });
      expect(first.activeElements).toEqual({ triage: 1 });
      const history = (await engine.getHistory(first.id)).find((event) => event.type === 'instance.started');
      expect(history?.data).toMatchObject({
        parallelMultiple: {
          triggers: [
            { kind: 'conditional', definition: 1, name: null },
            { kind: 'message', definition: 0, name: 'order' },
          ],
        },
      });
      expect(await engine.listStartGatherings({ processId: 'p' })).toEqual([]);

      // when the order arrives first, then the condition holds
      const waiting = await engine.correlateMessage(
        { name: 'order', variables: { item: 'cd-2', note: 'from order' } },
        SYSTEM,
      );
      expect(waiting).toEqual({ instanceId: null, gathered: { processId: 'p', startEventId: 'all' } });
      const [missing] = await engine.listStartGatherings({ processId: 'p' });
      expect(missing?.missing).toEqual([{ definition: 1, kind: 'conditional', name: null }]);
      const completed = await engine.evaluateConditions(
        { variables: { ready: true, note: 'from condition' }, processId: 'p' },
        SYSTEM,
      );
      // then the condition was the last trigger: the answer names the instance it started
      const instanceId = completed.started[0]?.instanceId as string;
      expect(completed).toEqual({
        started: [{ processId: 'p', startEventId: 'all', instanceId: expect.any(String) }],
        gathered: [{ processId: 'p', startEventId: 'all', instanceId }],
        notAllowed: [],
        failed: [],
      });
      expect((await engine.getInstance(instanceId)).variables).toEqual({
        item: 'cd-2',
        ready: true,
        note: 'from condition',
      });
      expect(await instances()).toHaveLength(2);
      expect(await engine.listStartGatherings({ processId: 'p' })).toEqual([]);
    });

    it('keeps a repeated condition for the next gathering, which the next message completes', async () => {
      // given
      await engine.deploy(orderAndCondition);
      // when the condition holds twice before any order
      await engine.evaluateConditions({ variables: { ready: true, round: 1 } }, SYSTEM);
      const again = await engine.evaluateConditions({ variables: { ready: true, round: 2 } }, SYSTEM);
      // then the repeat is gathered, and waits for the next gathering
      expect(again.gathered).toEqual([{ processId: 'p', startEventId: 'all', instanceId: null }]);
      const [open] = await engine.listStartGatherings({ processId: 'p' });
      expect(open).toMatchObject({
        triggers: [{ kind: 'conditional' }],
        missing: [{ name: 'order' }],
        queued: 1,
      });
      // when the first order arrives, the first round starts
      const first = await engine.correlateMessage({ name: 'order', variables: { order: 1 } }, SYSTEM);
      expect((await engine.getInstance(first.instanceId as string)).variables).toEqual({
        ready: true,
        round: 1,
        order: 1,
      });
      // and the second round waits in the next gathering, missing only the order
      const [next] = await engine.listStartGatherings({ processId: 'p' });
      expect(next).toMatchObject({
        triggers: [{ kind: 'conditional', definition: 1 }],
        missing: [{ kind: 'message', name: 'order' }],
        queued: 0,
      });
      // when the second order arrives, the second round starts
      const second = await engine.correlateMessage({ name: 'order', variables: { order: 2 } }, SYSTEM);
      expect((await engine.getInstance(second.instanceId as string)).variables).toEqual({
        ready: true,
        round: 2,
        order: 2,
      });
      expect(await instances()).toHaveLength(2);
      expect(await engine.listStartGatherings({ processId: 'p' })).toEqual([]);
    });
  });

  it('lists no gatherings of an unknown process', async () => {
    await expect(engine.listStartGatherings({ processId: 'nope' })).rejects.toBeInstanceOf(
      DefinitionNotFoundError,
    );
  });

  it.runIf(target.name === 'postgres')(
    'creates exactly one instance per gathering when two engines deliver the last triggers at once',
    async () => {
      // given two engines with their own pools on one database, and the order gathered
      const { engine: a } = await testEngine(await target.open({ poolSize: 4 }), { workerId: 'a' });
      const { engine: b } = await testEngine(await target.open({ poolSize: 4 }), { workerId: 'b' });
      await a.deploy(twoMessages);
      await a.correlateMessage({ name: 'order' }, SYSTEM);
      // when both deliver the payment at once
      const results = await Promise.all([
        a.correlateMessage({ name: 'payment', variables: { by: 'a' } }, SYSTEM),
        b.correlateMessage({ name: 'payment', variables: { by: 'b' } }, SYSTEM),
      ]);
      // then one started the instance; the other payment waits for the next gathering
      expect(results.filter((result) => result.instanceId !== null)).toHaveLength(1);
      expect(await instances()).toHaveLength(1);
      const [open] = await a.listStartGatherings({ processId: 'p' });
      expect(open).toMatchObject({ triggers: [{ name: 'payment' }], missing: [{ name: 'order' }] });
      // and under many concurrent messages from both, every gathering starts exactly one instance
      await a.correlateMessage({ name: 'order' }, SYSTEM);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => [
          a.correlateMessage({ name: 'order', variables: { i } }, SYSTEM),
          b.correlateMessage({ name: 'payment', variables: { i } }, SYSTEM),
        ]).flat(),
      );
      expect(await instances()).toHaveLength(12);
      expect(await a.listStartGatherings({ processId: 'p' })).toEqual([]);
      await Promise.all([a.close(), b.close()]);
    },
    60_000,
  );
});
