import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { MessageNotCorrelatedError } from '../../src/errors.js';
import type { Variables } from '../../src/runtime/index.js';
import { SYSTEM, systemIdentity } from '../../src/identity.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  signal,
  signalCatch,
  startEvent,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

/** BPMN elements run end to end through the database: state saved, reloaded by a fresh engine, resumed. */

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const waiter = bpmnFile(
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

const doneWaiter = bpmnFile(
  [
    linearProcess('done-waiter', [
      startEvent(),
      signalCatch('hold', 'done-signal'),
      userTask('proceed'),
      endEvent(),
    ]),
  ],
  signal('done-signal', 'done'),
);

describe.each(databases())('BPMN elements persisted on $name', (target) => {
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

  async function openTasks(instanceId: string): Promise<string[]> {
    const { items } = await engine.listTasks({ instanceId, state: 'created' });
    return items.map((task) => task.elementId).sort();
  }

  it('runs a script task with a job type as a job for a worker, with its headers and retries, across a new engine', async () => {
    await engine.deploy(
      bpmnFile([
        linearProcess('worker-script', [
          startEvent(),
          `<bpmn:scriptTask id="script"><bpmn:extensionElements>
             <zeebe:taskDefinition type="groovy-runner" retries="2" />
             <zeebe:taskHeaders><zeebe:header key="language" value="groovy" /></zeebe:taskHeaders>
             <zeebe:ioMapping><zeebe:output source="=sum * 2" target="doubled" /></zeebe:ioMapping>
           </bpmn:extensionElements></bpmn:scriptTask>`,
          endEvent(),
        ]),
      ]),
    );
    const instance = await engine.startInstance({ processId: 'worker-script', variables: { a: 1 } }, SYSTEM);
    expect((await engine.getInstance(instance.id)).status).toBe('active');
    const { engine: other } = await testEngine(database);
    const [job] = await other.fetchAndLock(
      { type: 'groovy-runner', workerId: 'w', fetchVariables: ['a'] },
      SYSTEM,
    );
    expect(job?.elementId).toBe('script');
    expect(job?.retries).toBe(2);
    expect(job?.headers).toMatchObject({ language: 'groovy' });
    expect(job?.variables).toMatchObject({ a: 1 });
    await other.completeJob(job?.id ?? '', 'w', { sum: 21 }, SYSTEM);
    const detail = await engine.getInstance(instance.id);
    expect(detail.status).toBe('completed');
    expect(detail.variables).toMatchObject({ doubled: 42 });
  });

  it("catches a signal end event on its subprocess's own boundary, in the same transaction", async () => {
    // given
    await engine.deploy(await fixture('rt-signal-here.bpmn'));
    // when
    const started = await engine.startInstance({ processId: 'signal-end-in-sub' }, SYSTEM);
    // then a fresh engine on the same database sees the boundary path, and no subscription is left
    ({ engine } = await testEngine(database));
    const instance = await engine.getInstance(started.id);
    expect(instance.activeElements).toEqual({ handle: 1 });
    expect(instance.variables).toMatchObject({ level: 'red' });
    expect(await engine.broadcastSignal({ name: 'stop' }, SYSTEM)).toEqual({ delivered: 0 });
  });

  it('broadcasts a thrown signal to other instances, and to its own catch events only once', async () => {
    // given an instance of another process waits for "go", and one whose branch will throw it
    await engine.deploy(waiter);
    await engine.deploy(await fixture('rt-signal-here.bpmn'));
    const other = await engine.startInstance({ processId: 'waiter' }, SYSTEM);
    const thrower = await engine.startInstance({ processId: 'signal-branches' }, SYSTEM);
    // when the thrower's branch throws "go" (through a fresh engine: the state was reloaded)
    ({ engine } = await testEngine(database));
    const trigger = (await engine.listTasks({ instanceId: thrower.id, state: 'created' })).items[0];
    await engine.completeTask(trigger?.id ?? '', {}, systemIdentity('ann'));
    // then the other instance moved on
    expect((await onlyOpenTask(engine, other.id)).elementId).toBe('proceed');
    // and the thrower's own waiting catch and non-interrupting event subprocess ran once each
    expect(await openTasks(thrower.id)).toEqual(['after-go', 'log-go']);
    expect((await engine.getInstance(thrower.id)).activeElements).toMatchObject({ 'late-go': 1 });
    // when the next "go" arrives from outside, it reaches the catch armed after the first throw
    expect(await engine.broadcastSignal({ name: 'go' }, SYSTEM)).toEqual({ delivered: 2 });
    expect(await openTasks(thrower.id)).toEqual(['after-go', 'log-go', 'log-go']);
  });

  it('splits at an activity by its conditions and default flow, and parks a dead end in an incident', async () => {
    // given
    await engine.deploy(await fixture('rt-conditional-flows.bpmn'));
    const split = await engine.startInstance({ processId: 'implicit-split' }, SYSTEM);
    const stuck = await engine.startInstance({ processId: 'no-way-out' }, SYSTEM);
    // when both tasks complete, through a fresh engine
    ({ engine } = await testEngine(database));
    const ann = systemIdentity('ann');
    await engine.completeTask((await onlyOpenTask(engine, split.id)).id, { amount: 5, vip: false }, ann);
    await engine.completeTask((await onlyOpenTask(engine, stuck.id)).id, { ok: false, risk: 0 }, ann);
    // then the unconditional flow and the default flow were taken
    expect(await openTasks(split.id)).toEqual(['always', 'standard']);
    // and the dead end waits in an open condition incident
    const [incident] = await engine.listIncidents({ instanceId: stuck.id, open: true });
    expect(incident).toMatchObject({ elementId: 'check', type: 'condition' });
    // when the data is fixed and the incident retried
    await engine.setVariables(stuck.id, { ok: true }, SYSTEM);
    await engine.retryIncident(incident?.id ?? '', SYSTEM);
    // then the flow whose condition now holds is taken
    expect(await openTasks(stuck.id)).toEqual(['approved']);
    expect(await engine.listIncidents({ instanceId: stuck.id, open: true })).toEqual([]);
  });

  it('jumps from a link throw to the catch event of its name and goes on from there', async () => {
    // given
    await engine.deploy(await fixture('rt-link.bpmn'));
    // when
    const started = await engine.startInstance({ processId: 'rt-link' }, SYSTEM);
    // then, read back by a fresh engine
    ({ engine } = await testEngine(database));
    expect((await engine.getInstance(started.id)).activeElements).toEqual({ work: 1 });
    await engine.completeTask((await onlyOpenTask(engine, started.id)).id, {}, systemIdentity('ann'));
    expect((await engine.getInstance(started.id)).status).toBe('completed');
  });

  it('activates a complex gateway on two of three, keeps its reset state across engines, and ends the late token', async () => {
    // given
    await engine.deploy(await fixture('rt-complex.bpmn'));
    const started = await engine.startInstance({ processId: 'two-of-three' }, SYSTEM);
    const ann = systemIdentity('ann');
    const complete = async (elementId: string) => {
      const { items } = await engine.listTasks({ instanceId: started.id, state: 'created' });
      const task = items.find((t) => t.elementId === elementId);
      await engine.completeTask(task?.id ?? '', {}, ann);
    };
    // when two reviews are done and the decision made
    await complete('r1');
    await complete('r2');
    await complete('decide');
    // then a fresh engine finds the gateway waiting for reset and the third review open
    ({ engine } = await testEngine(database));
    expect((await engine.getInstance(started.id)).activeElements).toEqual({ enough: 1, r3: 1 });
    // when the third review comes in
    await complete('r3');
    // then the late token ended at the gateway and the instance completed
    const done = await engine.getInstance(started.id);
    expect(done.status).toBe('completed');
    expect(await openTasks(started.id)).toEqual([]);
  });

  it('completes a multiple catch event on its first event and closes the others in the database', async () => {
    // given two instances waiting for a message, a timer or a signal
    await engine.deploy(await fixture('rt-multiple.bpmn'));
    const byMessage = await engine.startInstance(
      { processId: 'multi-catch', variables: { id: 'm-1' } },
      SYSTEM,
    );
    const bySignal = await engine.startInstance(
      { processId: 'multi-catch', variables: { id: 's-1' } },
      SYSTEM,
    );
    // when the first gets its message, through a fresh engine
    ({ engine } = await testEngine(database));
    await engine.correlateMessage({ name: 'ping', correlationKey: 'm-1' }, SYSTEM);
    // then it moved on, and the signal now reaches only the other instance
    expect((await engine.getInstance(byMessage.id)).activeElements).toEqual({ next: 1 });
    expect(await engine.broadcastSignal({ name: 'go' }, SYSTEM)).toEqual({ delivered: 1 });
    expect((await engine.getInstance(bySignal.id)).activeElements).toEqual({ next: 1 });
    // and no message subscription of the second is left to correlate
    await expect(
      engine.correlateMessage({ name: 'ping', correlationKey: 's-1' }, SYSTEM),
    ).rejects.toBeInstanceOf(MessageNotCorrelatedError);
  });

  it('runs the job of a multiple end event, then broadcasts its signal, across a new engine', async () => {
    // given another instance waits for "done", and one whose throw and end events run jobs
    await engine.deploy(doneWaiter);
    await engine.deploy(await fixture('rt-multiple-more.bpmn'));
    const other = await engine.startInstance({ processId: 'done-waiter' }, SYSTEM);
    const thrower = await engine.startInstance({ processId: 'mt-job' }, SYSTEM);
    const complete = async (type: string, variables: Variables) => {
      const [job] = await engine.fetchAndLock({ type, workerId: 'w' }, SYSTEM);
      if (!job) throw new Error(`no job of type ${type}`);
      await engine.completeJob(job.id, 'w', variables, SYSTEM);
    };
    await complete('notify', { sent: 1 });
    // then the end event waits for its job, and "done" is not thrown yet
    expect((await engine.getInstance(thrower.id)).activeElements).toEqual({ finish: 1 });
    expect((await engine.getInstance(other.id)).activeElements).toEqual({ hold: 1 });
    // when a fresh engine's worker completes the end event's job
    ({ engine } = await testEngine(database));
    await complete('farewell', { farewell: 'sent' });
    // then the signal reached the other instance, and the thrower completed with the job's variables
    expect((await onlyOpenTask(engine, other.id)).elementId).toBe('proceed');
    const done = await engine.getInstance(thrower.id);
    expect(done.status).toBe('completed');
    expect(done.variables).toMatchObject({ sent: 1, farewell: 'sent' });
  });

  it('starts an event subprocess on the second definition of its multiple start event, across a new engine', async () => {
    // given
    await engine.deploy(await fixture('rt-multiple-more.bpmn'));
    const started = await engine.startInstance({ processId: 'esp-any', variables: { key: 'k-9' } }, SYSTEM);
    // when the message of the interrupting start (after its timer) comes through a fresh engine
    ({ engine } = await testEngine(database));
    await engine.correlateMessage(
      { name: 'stop', correlationKey: 'k-9', variables: { reason: 'asked' } },
      SYSTEM,
    );
    // then the event subprocess runs instead of the work, and the other start events are closed
    const instance = await engine.getInstance(started.id);
    expect(instance.activeElements).toEqual({ abort: 1, cleanup: 1 });
    expect(instance.variables).toMatchObject({ reason: 'asked' });
    expect(await openTasks(started.id)).toEqual(['cleanup']);
    expect(await engine.broadcastSignal({ name: 'nudge' }, SYSTEM)).toEqual({ delivered: 0 });
    await expect(
      engine.correlateMessage({ name: 'poke', correlationKey: 'k-9' }, SYSTEM),
    ).rejects.toBeInstanceOf(MessageNotCorrelatedError);
  });
});
