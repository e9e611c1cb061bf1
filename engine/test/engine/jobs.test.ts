import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BpmnError } from '../../src/api.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { JobLeaseLostError, JobNotFoundError } from '../../src/errors.js';
import type { VirtualClock } from '../../src/clock.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  serviceTask,
  startEvent,
  timerCatch,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';
import { SYSTEM, systemIdentity } from '../../src/identity.js';

const MINUTE = 60_000;

const timerProcess = bpmnFile([
  linearProcess('wait', [
    startEvent(),
    timerCatch('pause', 'PT10M'),
    userTask('after', { assignee: 'ann' }),
    endEvent(),
  ]),
]);
const serviceProcess = (retries = 3) =>
  bpmnFile([
    linearProcess('charge', [
      startEvent(),
      serviceTask('pay', 'payment', retries),
      userTask('check'),
      endEvent(),
    ]),
  ]);
const timerStartProcess = bpmnFile([
  linearProcess('hourly', [
    '<bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>',
    userTask('report'),
    endEvent(),
  ]),
]);

describe.each(databases())('jobs on $name', (target) => {
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

  it('fires a timer when the virtual clock reaches it, not before', async () => {
    // given an instance waiting on a 10-minute timer
    await engine.deploy(timerProcess);
    const instance = await engine.startInstance({ processId: 'wait' }, SYSTEM);
    expect(instance.activeElements).toEqual({ pause: 1 });
    // when 9 minutes pass, then 10
    clock.advance(9 * MINUTE);
    const early = await engine.runDueJobs();
    clock.advance(MINUTE);
    const due = await engine.runDueJobs();
    // then it fired once, at 10 minutes
    expect([early, due]).toEqual([0, 1]);
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ after: 1 });
    expect(await engine.runDueJobs()).toBe(0);
  });

  it('waits on an intermediate cycle timer for its next occurrence, once, across a new engine', async () => {
    // given an instance at 08:00 (the test clock) that waits for the next quarter past the hour
    await engine.deploy(
      bpmnFile([
        linearProcess('quarter', [
          startEvent(),
          '<bpmn:intermediateCatchEvent id="quarter-past"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R/2026-01-05T07:15:00Z/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
          userTask('after', { assignee: 'ann' }),
          endEvent(),
        ]),
      ]),
    );
    const instance = await engine.startInstance({ processId: 'quarter' }, SYSTEM);
    // when 14 minutes pass, nothing; at 15, a new engine on the same database fires it
    clock.advance(14 * MINUTE);
    expect(await engine.runDueJobs()).toBe(0);
    let fresh: Engine;
    ({ engine: fresh, clock } = await testEngine(database));
    clock.advance(15 * MINUTE);
    expect(await fresh.runDueJobs()).toBe(1);
    // then the token went on, and no timer was armed again
    expect((await fresh.getInstance(instance.id)).activeElements).toEqual({ after: 1 });
    clock.advance(60 * MINUTE);
    expect(await fresh.runDueJobs()).toBe(0);
    expect(await database.db.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('runs an in-process handler and continues with its variables', async () => {
    // given a handler for 'payment'
    const seen: unknown[] = [];
    engine.registerHandler('payment', (job) => {
      seen.push(job.variables);
      return { receipt: 'R-1' };
    });
    await engine.deploy(serviceProcess());
    const instance = await engine.startInstance({ processId: 'charge', variables: { amount: 5 } }, SYSTEM);
    // when due jobs run
    expect(await engine.runDueJobs()).toBe(1);
    // then the handler saw the variables and its result moved the token on
    expect(seen).toEqual([expect.objectContaining({ amount: 5 })]);
    const after = await engine.getInstance(instance.id);
    expect(after.activeElements).toEqual({ check: 1 });
    expect(after.variables).toMatchObject({ receipt: 'R-1' });
  });

  it('retries a failing handler with backoff, raises an incident when retries run out, and retries the incident', async () => {
    // given a handler that fails until told otherwise
    let failing = true;
    let calls = 0;
    engine.registerHandler('payment', () => {
      calls++;
      if (failing) throw new Error('gateway down');
      return { paid: true };
    });
    await engine.deploy(serviceProcess(2));
    const instance = await engine.startInstance({ processId: 'charge' }, SYSTEM);
    // when it fails twice (the second attempt only after the backoff)
    await engine.runDueJobs();
    expect(await engine.runDueJobs()).toBe(0);
    clock.advance(1000);
    await engine.runDueJobs();
    // then an incident holds the token
    expect(calls).toBe(2);
    const [incident] = await engine.listIncidents({ instanceId: instance.id, open: true });
    expect(incident).toMatchObject({ elementId: 'pay', type: 'job', message: 'gateway down' });
    const stuck = await engine.getInstance(instance.id);
    expect(stuck.openIncidents).toBe(1);
    clock.advance(60 * MINUTE);
    expect(await engine.runDueJobs()).toBe(0);
    // when the cause is fixed and the incident retried
    failing = false;
    await engine.retryIncident(incident?.id ?? '', systemIdentity('mia'));
    await engine.runDueJobs();
    // then the job ran again and the instance moved on
    expect(calls).toBe(3);
    const moved = await engine.getInstance(instance.id);
    expect(moved.activeElements).toEqual({ check: 1 });
    expect(moved.openIncidents).toBe(0);
    expect((await engine.listIncidents({ instanceId: instance.id }))[0]?.resolvedAt).not.toBeNull();
  });

  it('turns a BpmnError from a handler into a runtime error event (uncaught: an incident)', async () => {
    engine.registerHandler('payment', () => {
      throw new BpmnError('CARD_DECLINED', 'declined');
    });
    await engine.deploy(serviceProcess());
    const instance = await engine.startInstance({ processId: 'charge' }, SYSTEM);
    await engine.runDueJobs();
    const detail = await engine.getInstance(instance.id);
    expect(detail.activeElements.check).toBeUndefined();
    expect(
      (await engine.getHistory(instance.id)).some(
        (e) => e.type === 'error.thrown' || e.type === 'incident.raised',
      ),
    ).toBe(true);
  });

  it('lets an external worker fetch and lock a job, and refuses a worker whose lease is gone', async () => {
    // given a service job and no in-process handler
    await engine.deploy(serviceProcess());
    const instance = await engine.startInstance({ processId: 'charge', variables: { amount: 9 } }, SYSTEM);
    // when worker A locks it for a minute
    const [job] = await engine.fetchAndLock(
      { type: 'payment', workerId: 'A', lockMs: MINUTE, fetchVariables: ['amount'] },
      SYSTEM,
    );
    expect(job).toMatchObject({
      elementId: 'pay',
      jobType: 'payment',
      lockedBy: 'A',
      variables: expect.objectContaining({ amount: 9 }),
    });
    expect(await engine.fetchAndLock({ type: 'payment', workerId: 'B' }, SYSTEM)).toEqual([]);
    // and the lease runs out and B takes it
    clock.advance(2 * MINUTE);
    const [again] = await engine.fetchAndLock({ type: 'payment', workerId: 'B', lockMs: MINUTE }, SYSTEM);
    // then A can no longer complete it, B can, once
    await expect(engine.completeJob(job?.id ?? '', 'A', { by: 'A' }, SYSTEM)).rejects.toBeInstanceOf(
      JobLeaseLostError,
    );
    await engine.completeJob(again?.id ?? '', 'B', { by: 'B' }, SYSTEM);
    await expect(engine.completeJob(again?.id ?? '', 'B', {}, SYSTEM)).rejects.toBeInstanceOf(
      JobNotFoundError,
    );
    const detail = await engine.getInstance(instance.id);
    expect(detail.variables).toMatchObject({ by: 'B' });
    expect(detail.activeElements).toEqual({ check: 1 });
  });

  it('lets a worker fail a job with retries and a backoff, then raise an incident', async () => {
    await engine.deploy(serviceProcess());
    const instance = await engine.startInstance({ processId: 'charge' }, SYSTEM);
    const [job] = await engine.fetchAndLock({ type: 'payment', workerId: 'W' }, SYSTEM);
    await engine.failJob(
      job?.id ?? '',
      'W',
      {
        retries: 1,
        errorMessage: 'try later',
        retryBackoffMs: 30_000,
      },
      SYSTEM,
    );
    expect(await engine.fetchAndLock({ type: 'payment', workerId: 'W' }, SYSTEM)).toEqual([]);
    clock.advance(30_000);
    const [retry] = await engine.fetchAndLock({ type: 'payment', workerId: 'W' }, SYSTEM);
    expect(retry).toMatchObject({ retries: 1, lastError: 'try later', attempts: 2 });
    await engine.failJob(retry?.id ?? '', 'W', { retries: 0, errorMessage: 'gave up' }, SYSTEM);
    const incidents = await engine.listIncidents({ instanceId: instance.id, open: true });
    expect(incidents.map((i) => i.message)).toEqual(['gave up']);
  });

  it('starts instances from a timer start event and schedules the next cycle', async () => {
    // given a process started every hour, twice
    await engine.deploy(timerStartProcess);
    // when three hours pass, hour by hour
    for (let hour = 0; hour < 3; hour++) {
      clock.advance(60 * MINUTE);
      await engine.runDueJobs();
    }
    // then exactly two instances started
    const started = await engine.listInstances({ processId: 'hourly' });
    expect(started.total).toBe(2);
  });

  it('moves a timer start to the new version when a changed process is deployed', async () => {
    // given v1 with an hourly timer start, then a changed v2
    await engine.deploy(timerStartProcess);
    await engine.deploy(timerStartProcess.replace('name="hourly"', 'name="hourly v2"'));
    // when the hour passes
    clock.advance(60 * MINUTE);
    await engine.runDueJobs();
    // then one instance started, on v2 only
    const started = await engine.listInstances({ processId: 'hourly' });
    expect(started.items.map((i) => i.version)).toEqual([2]);
  });

  it('fires timers that fell due while no executor ran, on the next run', async () => {
    await engine.deploy(timerProcess);
    const instances = await Promise.all(
      [1, 2, 3].map(() => engine.startInstance({ processId: 'wait' }, SYSTEM)),
    );
    clock.advance(24 * 60 * MINUTE);
    // when a fresh engine (a restart) runs due jobs
    const { engine: restarted } = await testEngine(database, { clock });
    expect(await restarted.runDueJobs()).toBe(3);
    for (const instance of instances) {
      expect((await onlyOpenTask(restarted, instance.id)).elementId).toBe('after');
    }
  });

  it('runs the background executor until stopped', async () => {
    engine.registerHandler('payment', () => ({ ok: true }));
    await engine.deploy(serviceProcess());
    const instance = await engine.startInstance({ processId: 'charge' }, SYSTEM);
    engine.startExecutor({ pollMs: 20 });
    for (let i = 0; i < 200; i++) {
      if ((await engine.getInstance(instance.id)).activeElements.check) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await engine.stopExecutor();
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ check: 1 });
  });
});
