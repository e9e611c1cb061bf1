import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import {
  ForbiddenError,
  IncidentNotFoundError,
  InvalidArgumentError,
  JobNotFoundError,
} from '../../src/errors.js';
import { SYSTEM, systemIdentity, userIdentity } from '../../src/identity.js';
import { claimJobs } from '../../src/jobs/claim.js';
import type { DB } from '../../src/persistence/schema.js';
import { bpmnFile, endEvent, linearProcess, serviceTask, startEvent, userTask } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

const MINUTE = 60_000;

/** start -> service task (type `payment`, 1 retry) -> user task -> end. */
const chargeProcess = (id = 'charge', type = 'payment') =>
  bpmnFile([linearProcess(id, [startEvent(), serviceTask('pay', type, 1), userTask('check'), endEvent()])]);
/** A user task whose due date is an expression: a bad value raises an expression incident (no job). */
const dueProcess = bpmnFile([
  linearProcess('dated', [startEvent(), userTask('details', { due: '=due' }), endEvent()]),
]);

/** A timer start event every hour, twice. */
const hourlyProcess = bpmnFile([
  linearProcess('hourly', [
    '<bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>',
    userTask('report'),
    endEvent(),
  ]),
]);

const maya = userIdentity('maya', { roles: ['manager'], groups: ['finance'] });
const otto = userIdentity('otto', { roles: ['manager'], groups: ['ops'] });
const sam = userIdentity('sam', { roles: ['staff'], groups: ['staff'] });

describe.each(databases())('jobs and incidents for operators on $name', (target) => {
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

  /** An instance of `processId` whose payment job a worker failed for good: an open job incident. */
  async function failedPayment(processId = 'charge', type = 'payment', message = 'gateway down') {
    const instance = await engine.startInstance({ processId }, SYSTEM);
    const [job] = await engine.fetchAndLock({ type, workerId: 'W' }, SYSTEM);
    await engine.failJob(job?.id ?? '', 'W', { retries: 0, errorMessage: message }, SYSTEM);
    const [incident] = await engine.listIncidents({ instanceId: instance.id, open: true });
    if (!incident) throw new Error('expected an incident');
    return { instance, incident };
  }

  it('retries an incident with a number of retries the new job gets', async () => {
    // given a payment that failed for good (the model gives it 1 retry)
    await engine.deploy(chargeProcess());
    const { instance, incident } = await failedPayment();
    // when a manager retries the incident with 3 retries
    await engine.retryIncident(incident.id, maya, { retries: 3 });
    // then the incident is resolved, history says by whom and with how many retries
    expect((await engine.getInstance(instance.id)).openIncidents).toBe(0);
    const resolved = (await engine.getHistory(instance.id)).find((e) => e.type === 'incident.resolved');
    expect(resolved).toMatchObject({ actor: 'maya', data: { incidentId: incident.id, retries: 3 } });
    // and the new job has 3 attempts
    const { items } = await engine.listJobs({ instanceId: instance.id }, maya);
    expect(items.map((j) => [j.elementId, j.retries])).toEqual([['pay', 3]]);
    // and it takes three failures before the next incident
    for (let attempt = 3; attempt >= 1; attempt--) {
      const [job] = await engine.fetchAndLock({ type: 'payment', workerId: 'W' }, SYSTEM);
      expect(job?.retries).toBe(attempt);
      await engine.failJob(job?.id ?? '', 'W', { retries: attempt - 1, errorMessage: 'still down' }, SYSTEM);
    }
    expect((await engine.listIncidents({ instanceId: instance.id, open: true })).length).toBe(1);
  });

  it('refuses retries for an incident whose retry creates no job, and leaves it open', async () => {
    // given an expression incident (a due date that is not one)
    await engine.deploy(dueProcess);
    const instance = await engine.startInstance({ processId: 'dated', variables: { due: 'soon' } }, SYSTEM);
    const [incident] = await engine.listIncidents({ instanceId: instance.id, open: true });
    // when retried with retries
    await expect(engine.retryIncident(incident?.id ?? '', maya, { retries: 2 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    // then nothing happened
    const after = await engine.getInstance(instance.id);
    expect(after.openIncidents).toBe(1);
    expect((await engine.getHistory(instance.id)).some((e) => e.type === 'incident.resolved')).toBe(false);
    // and a retry count out of range is refused before anything is read
    await expect(engine.retryIncident(incident?.id ?? '', maya, { retries: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(engine.retryIncident(incident?.id ?? '', maya, { retries: 1.5 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it("changes a job's retries without an incident, for managers of its process only", async () => {
    // given a payment job in its retry backoff (a worker failed it with 1 retry left)
    await engine.deploy(chargeProcess());
    const instance = await engine.startInstance({ processId: 'charge' }, SYSTEM);
    const [job] = await engine.fetchAndLock({ type: 'payment', workerId: 'W' }, SYSTEM);
    await engine.failJob(
      job?.id ?? '',
      'W',
      { retries: 1, errorMessage: 'slow', retryBackoffMs: MINUTE },
      SYSTEM,
    );
    // when a manager gives it 5 retries
    const changed = await engine.setJobRetries(job?.id ?? '', 5, maya);
    // then the job has them, and no incident was involved
    expect(changed).toMatchObject({ id: job?.id, retries: 5, lastError: 'slow' });
    expect((await engine.listJobs({ instanceId: instance.id }, SYSTEM)).items[0]?.retries).toBe(5);
    expect(await engine.listIncidents({ instanceId: instance.id })).toEqual([]);
    // and someone who does not manage the process learns nothing of the job
    await engine.setProcessAccess('charge', 'managers', ['finance'], SYSTEM);
    await expect(engine.setJobRetries(job?.id ?? '', 2, otto)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(engine.setJobRetries(job?.id ?? '', 2, sam)).rejects.toBeInstanceOf(JobNotFoundError);
    // and bad input is a typed error
    await expect(engine.setJobRetries(job?.id ?? '', 0, maya)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(engine.setJobRetries('nope', 1, maya)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(
      engine.setJobRetries('00000000-0000-4000-8000-000000000000', 1, maya),
    ).rejects.toBeInstanceOf(JobNotFoundError);
    expect((await engine.listJobs({ instanceId: instance.id }, SYSTEM)).items[0]?.retries).toBe(5);
  });

  it('revives a job parked with no retries left by giving it retries', async () => {
    // given an hourly timer start whose runs hung the engine three times, so the executor parked it
    await engine.deploy(hourlyProcess);
    clock.advance(60 * MINUTE);
    const filter = { kind: 'executor', serviceTypes: [] } as const;
    for (let hung = 0; hung < 3; hung++) {
      await claimJobs(database.db as Kysely<DB>, {
        workerId: 'hung',
        now: clock.now(),
        leaseMs: MINUTE,
        limit: 10,
        filter,
      });
      clock.advance(2 * MINUTE);
    }
    await engine.runDueJobs();
    const [parked] = (await engine.listJobs({ state: 'failed' }, maya)).items;
    expect(parked).toMatchObject({
      kind: 'timerStart',
      retries: 0,
      lastError: expect.stringContaining('hung'),
    });
    expect(await engine.runDueJobs()).toBe(0);
    expect((await engine.listInstances({ processId: 'hourly' })).total).toBe(0);
    // when a manager gives it retries
    const revived = await engine.setJobRetries(parked?.id ?? '', 2, maya);
    // then it is ready again and the next run starts the instance it owed
    expect(revived.retries).toBe(2);
    expect((await engine.listJobs({ state: 'ready' }, maya)).items.map((j) => j.id)).toEqual([parked?.id]);
    expect(await engine.runDueJobs()).toBeGreaterThan(0);
    expect((await engine.listInstances({ processId: 'hourly' })).total).toBe(1);
  });

  it('lists jobs by type, process, instance and state without locking them', async () => {
    // given a payment job and a shipping job, the shipping one locked by a worker
    await engine.deploy(chargeProcess());
    await engine.deploy(chargeProcess('ship', 'shipping'));
    const pay = await engine.startInstance({ processId: 'charge' }, SYSTEM);
    const ship = await engine.startInstance({ processId: 'ship' }, SYSTEM);
    const [locked] = await engine.fetchAndLock({ type: 'shipping', workerId: 'W', lockMs: MINUTE }, SYSTEM);
    // when an operator lists them
    const all = await engine.listJobs({}, maya);
    const byType = await engine.listJobs({ type: 'payment' }, maya);
    const byProcess = await engine.listJobs({ processId: 'ship' }, maya);
    const byInstance = await engine.listJobs({ instanceId: pay.id }, maya);
    const ready = await engine.listJobs({ state: 'ready' }, maya);
    const lockedNow = await engine.listJobs({ state: 'locked' }, maya);
    // then each filter narrows
    expect(all.total).toBe(2);
    expect(byType.items.map((j) => j.instanceId)).toEqual([pay.id]);
    expect(byProcess.items.map((j) => j.instanceId)).toEqual([ship.id]);
    expect(byInstance.items.map((j) => j.jobType)).toEqual(['payment']);
    expect(ready.items.map((j) => j.jobType)).toEqual(['payment']);
    expect(lockedNow.items.map((j) => [j.id, j.lockedBy])).toEqual([[locked?.id, 'W']]);
    expect((await engine.listJobs({ state: 'failed' }, maya)).total).toBe(0);
    // and listing took no lease: the payment job is still there for a worker, never attempted
    expect(byType.items[0]?.attempts).toBe(0);
    const [claimed] = await engine.fetchAndLock({ type: 'payment', workerId: 'W2' }, SYSTEM);
    expect(claimed?.instanceId).toBe(pay.id);
    // and once the lease ran out the shipping job is ready again
    clock.advance(2 * MINUTE);
    expect((await engine.listJobs({ processId: 'ship', state: 'ready' }, maya)).total).toBe(1);
    // and paging keeps the total
    const page = await engine.listJobs({ limit: 1, offset: 1 }, maya);
    expect([page.items.length, page.total]).toEqual([1, 2]);
  });

  it('lists jobs and incidents only of processes the operator manages, and only for operators', async () => {
    // given a process managed by finance and one managed by ops, each with an incident
    await engine.deploy(chargeProcess());
    await engine.deploy(chargeProcess('ship', 'shipping'));
    await engine.setProcessAccess('charge', 'managers', ['finance'], SYSTEM);
    await engine.setProcessAccess('ship', 'managers', ['ops'], SYSTEM);
    await failedPayment('charge', 'payment');
    await failedPayment('ship', 'shipping');
    await engine.startInstance({ processId: 'charge' }, SYSTEM);
    // when each manager lists
    const mine = await engine.findIncidents({}, maya);
    const theirs = await engine.findIncidents({}, otto);
    // then each sees their own process
    expect(mine.items.map((i) => i.processId)).toEqual(['charge']);
    expect(theirs.items.map((i) => i.processId)).toEqual(['ship']);
    expect((await engine.listJobs({}, maya)).items.map((j) => j.jobType)).toEqual(['payment']);
    expect((await engine.listJobs({}, otto)).total).toBe(0);
    expect((await engine.findIncidents({}, userIdentity('ada', { roles: ['admin'] }))).total).toBe(2);
    // and staff are refused
    await expect(engine.findIncidents({}, sam)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(engine.listJobs({}, sam)).rejects.toBeInstanceOf(ForbiddenError);
    // and a manager's token without the `manage` scope is refused too
    const token = userIdentity('maya', { roles: ['manager'], groups: ['finance'], scopes: ['read'] });
    await expect(engine.findIncidents({}, token)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('finds incidents by process, element, error text and age', async () => {
    // given incidents raised an hour apart with different errors
    await engine.deploy(chargeProcess());
    await engine.deploy(chargeProcess('ship', 'shipping'));
    await engine.deploy(dueProcess);
    const old = await failedPayment('charge', 'payment', 'Gateway TIMEOUT after 30s');
    clock.advance(60 * MINUTE);
    const recent = await failedPayment('charge', 'payment', 'card declined');
    const shipping = await failedPayment('ship', 'shipping', 'carrier timeout');
    await engine.startInstance({ processId: 'dated', variables: { due: 'soon' } }, SYSTEM);
    const ids = (page: { items: readonly { id: string }[] }) => page.items.map((i) => i.id);
    // when filtered, then each filter narrows
    expect((await engine.findIncidents({}, maya)).total).toBe(4);
    expect(ids(await engine.findIncidents({ processId: 'charge' }, maya))).toEqual([
      old.incident.id,
      recent.incident.id,
    ]);
    expect((await engine.findIncidents({ elementId: 'details' }, maya)).items[0]?.processId).toBe('dated');
    expect(ids(await engine.findIncidents({ errorText: 'timeout' }, maya))).toEqual([
      old.incident.id,
      shipping.incident.id,
    ]);
    const olderThanHalfAnHour = new Date(clock.now().getTime() - 30 * MINUTE);
    expect(ids(await engine.findIncidents({ createdBefore: olderThanHalfAnHour }, maya))).toEqual([
      old.incident.id,
    ]);
    expect((await engine.findIncidents({ createdAfter: olderThanHalfAnHour }, maya)).total).toBe(3);
    // and resolved ones only when asked
    await engine.retryIncident(old.incident.id, maya);
    expect((await engine.findIncidents({ processId: 'charge' }, maya)).total).toBe(1);
    expect(ids(await engine.findIncidents({ processId: 'charge', open: false }, maya))).toEqual([
      old.incident.id,
    ]);
    expect((await engine.findIncidents({ processId: 'charge', open: null }, maya)).total).toBe(2);
    // and paging keeps the total
    const page = await engine.findIncidents({ limit: 1, offset: 1 }, maya);
    expect([page.items.length, page.total]).toEqual([1, 3]);
  });

  it('retries incidents in bulk by filter, each instance on its own, and reports each', async () => {
    // given two payment incidents for a bank outage, an expression incident and an unrelated one
    await engine.deploy(chargeProcess());
    await engine.deploy(dueProcess);
    const a = await failedPayment('charge', 'payment', 'bank down');
    const b = await failedPayment('charge', 'payment', 'bank down');
    const dated = await engine.startInstance({ processId: 'dated', variables: { due: 'soon' } }, SYSTEM);
    await failedPayment('charge', 'payment', 'unrelated');
    const b2 = await failedPayment('charge', 'payment', 'mixed');
    // when a manager retries every incident whose error mentions the bank with 2 retries
    const report = await engine.retryIncidents({ errorText: 'BANK' }, { retries: 2 }, maya);
    // then those payments were retried (their new jobs have 2 retries)
    expect(report).toMatchObject({ matched: 2, succeeded: 2, failed: 0 });
    // and the expression incident, which has no job to give retries to, fails and stays open
    const dueReport = await engine.retryIncidents({ processId: 'dated' }, { retries: 2 }, maya);
    expect(dueReport).toMatchObject({ matched: 1, succeeded: 0, failed: 1 });
    expect(dueReport.results[0]).toMatchObject({ instanceId: dated.id, ok: false, code: 'INVALID_ARGUMENT' });
    expect((await engine.getInstance(dated.id)).openIncidents).toBe(1);
    for (const { instance } of [a, b]) {
      expect((await engine.getInstance(instance.id)).openIncidents).toBe(0);
      expect((await engine.listJobs({ instanceId: instance.id }, maya)).items[0]?.retries).toBe(2);
    }
    expect((await engine.findIncidents({ errorText: 'unrelated' }, maya)).total).toBe(1);
    // and a filter matching all that is left reports successes and failures side by side
    const mixed = await engine.retryIncidents({}, { retries: 1, limit: 10 }, maya);
    // (the unrelated payment, the new one, and the expression incident)
    expect(mixed).toMatchObject({ matched: 3, succeeded: 2, failed: 1 });
    expect(mixed.results.find((r) => r.instanceId === dated.id)?.ok).toBe(false);
    expect(mixed.results.find((r) => r.instanceId === b2.instance.id)?.ok).toBe(true);
  });

  it('retries in bulk only what the caller manages, and refuses others outright', async () => {
    // given incidents in a process managed by finance and one managed by ops
    await engine.deploy(chargeProcess());
    await engine.deploy(chargeProcess('ship', 'shipping'));
    await engine.setProcessAccess('ship', 'managers', ['ops'], SYSTEM);
    const pay = await failedPayment('charge', 'payment');
    const ship = await failedPayment('ship', 'shipping');
    // when maya (finance) retries everything
    const report = await engine.retryIncidents({}, {}, maya);
    // then only the process she manages was touched
    expect(report).toMatchObject({ matched: 1, succeeded: 1, failed: 0 });
    expect((await engine.getInstance(pay.instance.id)).openIncidents).toBe(0);
    expect((await engine.getInstance(ship.instance.id)).openIncidents).toBe(1);
    // and staff may not bulk retry at all, nor name a limit out of range
    await expect(engine.retryIncidents({}, {}, sam)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(engine.retryIncidents({}, { limit: 0 }, maya)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(engine.retryIncidents({}, { limit: 5000 }, maya)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    // and a single retry of a resolved incident is "not found"
    await expect(engine.retryIncident(pay.incident.id, maya)).rejects.toBeInstanceOf(IncidentNotFoundError);
  });

  it('keeps a retry with retries across a restart of the engine', async () => {
    // given a failed payment
    await engine.deploy(chargeProcess());
    const { instance, incident } = await failedPayment();
    await engine.retryIncident(incident.id, systemIdentity('ops-script'), { retries: 4 });
    // when a new engine opens the same database
    const { engine: restarted } = await testEngine(database);
    // then the job is there with its retries, and a worker gets it
    expect((await restarted.listJobs({ instanceId: instance.id }, SYSTEM)).items[0]?.retries).toBe(4);
    const [job] = await restarted.fetchAndLock({ type: 'payment', workerId: 'W' }, SYSTEM);
    expect(job).toMatchObject({ instanceId: instance.id, retries: 4 });
  });
});
