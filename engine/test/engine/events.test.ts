import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { MessageNotCorrelatedError } from '../../src/errors.js';
import {
  bpmnFile,
  callActivity,
  endEvent,
  linearProcess,
  message,
  messageCatch,
  signal,
  signalCatch,
  startEvent,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';
import { SYSTEM, systemIdentity } from '../../src/identity.js';

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
const messageStartProcess = bpmnFile(
  [
    linearProcess('claim', [
      '<bpmn:startEvent id="on-claim"><bpmn:messageEventDefinition messageRef="claim-msg" /></bpmn:startEvent>',
      userTask('assess'),
      endEvent(),
    ]),
  ],
  message('claim-msg', 'claim-filed'),
);
const signalProcess = bpmnFile(
  [
    linearProcess('waiter', [
      startEvent(),
      signalCatch('hold', 'go-signal'),
      userTask('proceed'),
      endEvent(),
    ]),
  ],
  signal('go-signal', 'go'),
);
const parentAndChild = bpmnFile([
  linearProcess('parent', [
    startEvent('p-start'),
    callActivity('call', 'child'),
    userTask('wrap-up'),
    endEvent('p-end'),
  ]),
  linearProcess('child', [startEvent('c-start'), userTask('child-work'), endEvent('c-end')]),
]);

describe.each(databases())('messages, signals and call activities on $name', (target) => {
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

  it('correlates a message by name and correlation key to the waiting instance', async () => {
    // given two orders waiting for their payment
    await engine.deploy(paymentProcess);
    const a = await engine.startInstance({ processId: 'order', variables: { orderId: 'A-1' } }, SYSTEM);
    const b = await engine.startInstance({ processId: 'order', variables: { orderId: 'B-2' } }, SYSTEM);
    // when B's payment arrives
    const result = await engine.correlateMessage(
      {
        name: 'payment-received',
        correlationKey: 'B-2',
        variables: { paid: 30 },
      },
      SYSTEM,
    );
    // then only B moved on, with the message's variables
    expect(result.instanceId).toBe(b.id);
    expect((await engine.getInstance(b.id)).activeElements).toEqual({ ship: 1 });
    expect((await engine.getInstance(b.id)).variables).toMatchObject({ paid: 30 });
    expect((await engine.getInstance(a.id)).activeElements).toEqual({ 'await-payment': 1 });
    // and a second message with the same key finds nobody
    await expect(
      engine.correlateMessage({ name: 'payment-received', correlationKey: 'B-2' }, SYSTEM),
    ).rejects.toBeInstanceOf(MessageNotCorrelatedError);
  });

  it('starts the latest version of a process with a message start event', async () => {
    await engine.deploy(messageStartProcess);
    const { instanceId } = await engine.correlateMessage(
      { name: 'claim-filed', variables: { amount: 100 } },
      SYSTEM,
    );
    const started = await engine.getInstance(instanceId as string);
    expect(started.activeElements).toEqual({ assess: 1 });
    expect(started.variables).toMatchObject({ amount: 100 });
  });

  it('broadcasts a signal to every waiting instance', async () => {
    await engine.deploy(signalProcess);
    const waiting = await Promise.all(
      [1, 2, 3].map(() => engine.startInstance({ processId: 'waiter' }, SYSTEM)),
    );
    const { delivered } = await engine.broadcastSignal({ name: 'go', variables: { at: 'now' } }, SYSTEM);
    expect(delivered).toBe(3);
    for (const instance of waiting)
      expect((await onlyOpenTask(engine, instance.id)).elementId).toBe('proceed');
    expect((await engine.broadcastSignal({ name: 'go' }, SYSTEM)).delivered).toBe(0);
  });

  it('starts processes with a signal start event on broadcast', async () => {
    await engine.deploy(
      bpmnFile(
        [
          linearProcess('on-alarm', [
            '<bpmn:startEvent id="alarm-start"><bpmn:signalEventDefinition signalRef="alarm-signal" /></bpmn:startEvent>',
            userTask('respond'),
            endEvent(),
          ]),
        ],
        signal('alarm-signal', 'alarm'),
      ),
    );
    const { delivered } = await engine.broadcastSignal({ name: 'alarm', variables: { level: 3 } }, SYSTEM);
    expect(delivered).toBe(1);
    const [started] = (await engine.listInstances({ processId: 'on-alarm' })).items;
    expect((await engine.getInstance(started?.id ?? '')).variables).toMatchObject({ level: 3 });
  });

  it('runs a called child and resumes the parent with its variables, in the same transaction', async () => {
    // given a parent that calls a child process
    await engine.deploy(parentAndChild);
    const parent = await engine.startInstance(
      { processId: 'parent', variables: { request: 'laptop' } },
      SYSTEM,
    );
    // then the child runs with the parent's variables
    const children = await engine.listInstances({ processId: 'child' });
    expect(children.total).toBe(1);
    const child = children.items[0];
    expect(child?.parentInstanceId).toBe(parent.id);
    const childTask = await onlyOpenTask(engine, child?.id ?? '');
    // when the child's task completes
    await engine.completeTask(childTask.id, { approved: true }, systemIdentity('ann'));
    // then the child ended and the parent moved on with the child's result
    expect((await engine.getInstance(child?.id ?? '')).status).toBe('completed');
    const resumed = await engine.getInstance(parent.id);
    expect(resumed.activeElements).toEqual({ 'wrap-up': 1 });
    expect(resumed.variables).toMatchObject({ approved: true });
  });

  it('cancels the called child with its parent', async () => {
    await engine.deploy(parentAndChild);
    const parent = await engine.startInstance({ processId: 'parent' }, SYSTEM);
    await engine.cancelInstance(parent.id, systemIdentity('mia'));
    const child = (await engine.listInstances({ processId: 'child' })).items[0];
    expect(child?.status).toBe('cancelled');
  });
});
