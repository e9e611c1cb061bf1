import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  message,
  messageCatch,
  startEvent,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';
import { SYSTEM, systemIdentity } from '../../src/identity.js';

const TRIALS = 50;
/** The lost-correlation window is narrow: it took up to a couple of hundred trials to hit. */
const CORRELATION_TRIALS = 200;
/** PostgreSQL's deadlock_timeout: a trial that deadlocked waited at least this long. */
const DEADLOCK_TIMEOUT_MS = 1_000;

const paymentProcess = bpmnFile(
  [
    linearProcess('order', [
      startEvent(),
      messageCatch('await-payment', 'paid'),
      userTask('ship'),
      endEvent(),
    ]),
  ],
  message('paid', 'payment-received', '=orderId'),
);

/** Two branches wait for two different messages of the same order, then join. */
const twoMessagesProcess = bpmnFile(
  [
    `<bpmn:process id="both" isExecutable="true">
      <bpmn:startEvent id="start" />
      <bpmn:parallelGateway id="fork" />
      ${messageCatch('await-paid', 'paid')}
      ${messageCatch('await-packed', 'packed')}
      <bpmn:parallelGateway id="join" />
      ${userTask('ship')}
      ${endEvent()}
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork" />
      <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="await-paid" />
      <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="await-packed" />
      <bpmn:sequenceFlow id="f4" sourceRef="await-paid" targetRef="join" />
      <bpmn:sequenceFlow id="f5" sourceRef="await-packed" targetRef="join" />
      <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="ship" />
      <bpmn:sequenceFlow id="f7" sourceRef="ship" targetRef="end" />
    </bpmn:process>`,
  ],
  message('paid', 'order-paid', '=orderId') + message('packed', 'order-packed', '=orderId'),
);

const codeOf = (result: PromiseSettledResult<unknown>) =>
  result.status === 'fulfilled' ? 'ok' : ((result.reason as { code?: string }).code ?? String(result.reason));

describe.each(databases())('concurrent commands on $name', (target) => {
  let database: Database;
  let engine: Engine;
  let other: Engine;
  beforeAll(async () => {
    database = await target.open();
    // A second engine process on the same database (its own pool on PostgreSQL), as in production.
    const second = target.name === 'postgres' ? await target.open({ poolSize: 4 }) : database;
    ({ engine: other } = await testEngine(second));
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
  });

  it('delivers a message correlated twice at once exactly once; the other finds no subscription', async () => {
    // given orders waiting for their payment
    await engine.deploy(paymentProcess);
    for (let trial = 0; trial < CORRELATION_TRIALS; trial++) {
      const orderId = `o-${trial}`;
      const instance = await engine.startInstance({ processId: 'order', variables: { orderId } }, SYSTEM);
      // when the same payment is correlated twice at once, by two engines
      const results = await Promise.allSettled([
        engine.correlateMessage({ name: 'payment-received', correlationKey: orderId }, SYSTEM),
        other.correlateMessage({ name: 'payment-received', correlationKey: orderId }, SYSTEM),
      ]);
      // then one lands and the other is told nobody waits for it (never a bad-argument error)
      expect(results.map(codeOf).sort()).toEqual(['MESSAGE_NOT_CORRELATED', 'ok']);
      expect((await engine.getInstance(instance.id)).activeElements).toEqual({ ship: 1 });
    }
  });

  it('lands two different messages for one instance at once, one after the other', async () => {
    // given orders waiting on two branches for two different messages
    await engine.deploy(twoMessagesProcess);
    for (let trial = 0; trial < TRIALS; trial++) {
      const orderId = `b-${trial}`;
      const instance = await engine.startInstance({ processId: 'both', variables: { orderId } }, SYSTEM);
      // when both messages arrive at once, at two engines
      const results = await Promise.allSettled([
        engine.correlateMessage(
          { name: 'order-paid', correlationKey: orderId, variables: { paid: true } },
          SYSTEM,
        ),
        other.correlateMessage(
          {
            name: 'order-packed',
            correlationKey: orderId,
            variables: { packed: true },
          },
          SYSTEM,
        ),
      ]);
      // then both land and the join lets the token through once
      expect(results.map(codeOf)).toEqual(['ok', 'ok']);
      const detail = await engine.getInstance(instance.id);
      expect(detail.activeElements).toEqual({ ship: 1 });
      expect(detail.variables).toMatchObject({ paid: true, packed: true });
    }
  });

  it('settles two claim-and-complete races per task without a deadlock: one wins, one conflict', async () => {
    // given tasks that two people try to claim and complete at the same moment
    await engine.deploy(
      bpmnFile([
        linearProcess('race', [
          startEvent(),
          userTask('work', { groups: 'crew' }),
          userTask('next'),
          endEvent(),
        ]),
      ]),
    );
    const claimAndComplete = (by: Engine, taskId: string) => async () => {
      await by.claimTask(taskId, systemIdentity('ann'), 'ann');
      await by.completeTask(taskId, { by: 'ann' }, systemIdentity('ann'));
    };
    let slowest = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const instance = await engine.startInstance({ processId: 'race' }, SYSTEM);
      const task = await onlyOpenTask(engine, instance.id);
      // when both run at once, on two engines
      const started = performance.now();
      const results = await Promise.allSettled([
        claimAndComplete(engine, task.id)(),
        claimAndComplete(other, task.id)(),
      ]);
      slowest = Math.max(slowest, performance.now() - started);
      // then exactly one wins, the other gets a conflict, and the token moved once
      const codes = results.map(codeOf).sort();
      expect(codes[1]).toBe('ok');
      expect(['TASK_NOT_ACTIVE', 'CONCURRENCY_CONFLICT']).toContain(codes[0]);
      expect((await engine.getInstance(instance.id)).activeElements).toEqual({ next: 1 });
    }
    // and no trial waited for PostgreSQL's deadlock detector
    expect(slowest).toBeLessThan(DEADLOCK_TIMEOUT_MS);
  });
});
