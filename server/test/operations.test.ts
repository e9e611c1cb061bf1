import { SYSTEM, systemIdentity } from '@baton/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">`;

/** start -> service task `pay` (type `payment`, 1 retry) -> end. */
const chargeProcess = `${HEADER}
  <bpmn:process id="charge" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="pay">
      <bpmn:extensionElements><zeebe:taskDefinition type="payment" retries="1" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pay" />
    <bpmn:sequenceFlow id="f2" sourceRef="pay" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** outer calls inner, which waits on a user task. */
const callingProcess = `${HEADER}
  <bpmn:process id="outer" isExecutable="true">
    <bpmn:startEvent id="o-start" />
    <bpmn:callActivity id="call">
      <bpmn:extensionElements><zeebe:calledElement processId="inner" /></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:endEvent id="o-end" />
    <bpmn:sequenceFlow id="o1" sourceRef="o-start" targetRef="call" />
    <bpmn:sequenceFlow id="o2" sourceRef="call" targetRef="o-end" />
  </bpmn:process>
  <bpmn:process id="inner" isExecutable="true">
    <bpmn:startEvent id="i-start" />
    <bpmn:userTask id="inside"><bpmn:extensionElements><zeebe:userTask />
      <zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="i-end" />
    <bpmn:sequenceFlow id="i1" sourceRef="i-start" targetRef="inside" />
    <bpmn:sequenceFlow id="i2" sourceRef="inside" targetRef="i-end" />
  </bpmn:process>
</bpmn:definitions>`;

describe.each(dialects())('embedding API and operator routes over HTTP on %s', (dialect) => {
  let t: TestApp;
  let maya: Session;
  let sam: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    maya = await t.userSession('maya', ['manager'], ['managers']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    await t.engine.deploy(expenseProcess());
    await t.engine.deploy(chargeProcess);
    await t.engine.deploy(callingProcess);
  });
  afterAll(async () => t?.close());

  const get = async (who: Session, url: string) => {
    const res = await t.call(who, { method: 'GET', url });
    return res;
  };

  /** A payment whose job a worker failed for good: an open incident. */
  async function failedPayment(message: string) {
    const instance = await t.engine.startInstance({ processId: 'charge' }, SYSTEM);
    const jobs = await t.engine.listJobs({ instanceId: instance.id }, SYSTEM);
    const jobId = jobs.items[0]?.id ?? '';
    const locked = await t.engine.fetchAndLock({ type: 'payment', workerId: 'W', maxJobs: 100 }, SYSTEM);
    await t.engine.failJob(jobId, 'W', { retries: 0, errorMessage: message }, SYSTEM);
    // Give the others back: only this one was meant to fail.
    for (const job of locked)
      if (job.id !== jobId)
        await t.engine.failJob(job.id, 'W', { retries: job.retries, errorMessage: 'given back' }, SYSTEM);
    const [incident] = await t.engine.listIncidents({ instanceId: instance.id, open: true });
    return { instanceId: instance.id, incidentId: incident?.id ?? '' };
  }

  it('finds tasks by element id, in creation order, with their sequence', async () => {
    // given two expense instances started by sam
    const variables = { title: 'Taxi', amount: 3 };
    const first = await t.engine.startInstance({ processId: 'expense', variables }, systemIdentity('sam'));
    const second = await t.engine.startInstance({ processId: 'expense', variables }, systemIdentity('sam'));
    // when a manager asks for the review tasks in creation order
    const res = await get(maya, '/api/tasks?scope=all&processId=expense&elementId=review&sort=sequence');
    // then they come oldest first, each with its sequence
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { instanceId: string; elementId: string; sequence: number }[];
    const ours = items.filter((x) => [first.id, second.id].includes(x.instanceId));
    expect(ours.map((x) => x.instanceId)).toEqual([first.id, second.id]);
    expect(ours[0]!.sequence).toBeLessThan(ours[1]!.sequence);
    expect(items.every((x) => x.elementId === 'review')).toBe(true);
    // and an element with no tasks gives none
    const none = await get(maya, '/api/tasks?scope=all&processId=expense&elementId=approve');
    expect(none.json().items.filter((x: { instanceId: string }) => x.instanceId === first.id)).toEqual([]);
  });

  it('shows who returned a task and why on the task the return creates', async () => {
    // given sam completed the review and claimed the approval
    const instance = await t.engine.startInstance(
      { processId: 'expense', variables: { title: 'Hotel', amount: 90 } },
      systemIdentity('sam'),
    );
    const review = (await t.engine.listTasks({ instanceId: instance.id, elementId: 'review' })).items[0]!;
    await t.engine.completeTask(review.id, { decision: 'ok' }, systemIdentity('sam'));
    const approve = (await t.engine.listTasks({ instanceId: instance.id, elementId: 'approve' })).items[0]!;
    await t.engine.claimTask(approve.id, systemIdentity('sam'), 'sam');
    // when sam returns it to the review step over HTTP
    const returned = await t.call(sam, {
      method: 'POST',
      url: `/api/tasks/${approve.id}/return`,
      payload: { targetElementId: 'review', reason: 'receipt missing' },
    });
    expect(returned.statusCode, returned.body).toBe(204);
    // then the new review task carries the return, and the first one does not
    const list = await get(maya, `/api/tasks?scope=all&instanceId=${instance.id}&elementId=review`);
    const again = list.json().items[0];
    expect(again.returnedFrom).toMatchObject({
      taskId: approve.id,
      elementId: 'approve',
      by: 'sam',
      reason: 'receipt missing',
    });
    expect(Number.isNaN(Date.parse(again.returnedFrom.at))).toBe(false);
    const one = await get(maya, `/api/tasks/${again.id}`);
    expect(one.json().returnedFrom.reason).toBe('receipt missing');
    expect((await get(maya, `/api/tasks/${approve.id}`)).json().returnedFrom).toBeNull();
  });

  it('lists the child instances of a parent instance', async () => {
    // given a parent whose call activity started a child
    const parent = await t.engine.startInstance({ processId: 'outer' }, SYSTEM);
    // when a manager lists instances by parent
    const res = await get(maya, `/api/instances?parentInstanceId=${parent.id}`);
    // then the child is the only one
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.map((i: { processId: string; parentInstanceId: string }) => i)).toEqual([
      expect.objectContaining({ processId: 'inner', parentInstanceId: parent.id }),
    ]);
    expect((await get(maya, '/api/instances?parentInstanceId=nope')).statusCode).toBe(400);
  });

  it('retries an incident with a retry count, and changes a job retries without one', async () => {
    // given a failed payment
    const { instanceId, incidentId } = await failedPayment('gateway down');
    // when a manager retries it with 3 retries
    const retried = await t.call(maya, {
      method: 'POST',
      url: `/api/incidents/${incidentId}/retry`,
      payload: { retries: 3 },
    });
    expect(retried.statusCode, retried.body).toBe(204);
    // then the job the retry created has 3 retries, seen without locking it
    const jobs = await get(maya, `/api/jobs?instanceId=${instanceId}`);
    expect(jobs.statusCode, jobs.body).toBe(200);
    const [job] = jobs.json().items;
    expect(job).toMatchObject({
      elementId: 'pay',
      jobType: 'payment',
      retries: 3,
      attempts: 0,
      lockedBy: null,
    });
    // when the manager sets the job's retries directly
    const patched = await t.call(maya, {
      method: 'PATCH',
      url: `/api/jobs/${job.id}`,
      payload: { retries: 7 },
    });
    // then it has them
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ id: job.id, retries: 7 });
    // and staff learn nothing of the job; bad counts are 400
    const refused = await t.call(sam, {
      method: 'PATCH',
      url: `/api/jobs/${job.id}`,
      payload: { retries: 2 },
    });
    expect([refused.statusCode, refused.json().code]).toEqual([404, 'JOB_NOT_FOUND']);
    const zero = await t.call(maya, { method: 'PATCH', url: `/api/jobs/${job.id}`, payload: { retries: 0 } });
    expect([zero.statusCode, zero.json().code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await t.engine.listJobs({ instanceId }, SYSTEM)).items[0]?.retries).toBe(7);
  });

  it('retries an incident without a body, as before', async () => {
    const { instanceId, incidentId } = await failedPayment('plain retry');
    const res = await t.call(maya, { method: 'POST', url: `/api/incidents/${incidentId}/retry` });
    expect(res.statusCode, res.body).toBe(204);
    expect((await t.engine.listJobs({ instanceId }, SYSTEM)).items[0]?.retries).toBe(1);
  });

  it('searches incidents by process, element, error text and age, for managers only', async () => {
    // given two payment failures an hour apart
    const old = await failedPayment('Bank TIMEOUT (old)');
    t.clock.advance(60 * 60_000);
    const recent = await failedPayment('bank timeout (recent)');
    const cutoff = new Date(t.clock.now().getTime() - 30 * 60_000).toISOString();
    // when a manager searches
    const byText = await get(maya, '/api/incidents?processId=charge&elementId=pay&errorText=bank%20timeout');
    const older = await get(maya, `/api/incidents?errorText=timeout&createdBefore=${cutoff}`);
    // then
    expect(byText.statusCode, byText.body).toBe(200);
    expect(byText.json().items.map((i: { id: string }) => i.id)).toEqual([old.incidentId, recent.incidentId]);
    expect(byText.json().items[0]).toMatchObject({ processId: 'charge', elementId: 'pay', type: 'job' });
    expect(older.json().items.map((i: { id: string }) => i.id)).toEqual([old.incidentId]);
    // and staff are refused; a bad date is a 400
    const staff = await get(sam, '/api/incidents');
    expect([staff.statusCode, staff.json().code]).toEqual([403, 'FORBIDDEN']);
    expect((await get(maya, '/api/incidents?createdBefore=yesterday')).statusCode).toBe(400);
  });

  it('retries incidents in bulk by filter and reports each instance', async () => {
    // given two payments failed by the same outage
    const a = await failedPayment('card network outage');
    const b = await failedPayment('card network outage');
    // when staff try, they are refused; when a manager retries by error text with 2 retries
    const staff = await t.call(sam, {
      method: 'POST',
      url: '/api/incidents/retry',
      payload: { filter: { errorText: 'outage' } },
    });
    expect(staff.statusCode).toBe(403);
    const res = await t.call(maya, {
      method: 'POST',
      url: '/api/incidents/retry',
      payload: { filter: { processId: 'charge', errorText: 'network outage' }, retries: 2 },
    });
    // then both instances were retried, each reported
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ matched: 2, succeeded: 2, failed: 0 });
    const results = res.json().results as { instanceId: string; ok: boolean; incidentIds: string[] }[];
    expect(results.map((r) => [r.instanceId, r.ok, r.incidentIds]).sort()).toEqual(
      [
        [a.instanceId, true, [a.incidentId]],
        [b.instanceId, true, [b.incidentId]],
      ].sort(),
    );
    for (const { instanceId } of [a, b]) {
      expect((await t.engine.listJobs({ instanceId }, SYSTEM)).items[0]?.retries).toBe(2);
    }
    // and a filter with an unknown field is a 400
    const bad = await t.call(maya, {
      method: 'POST',
      url: '/api/incidents/retry',
      payload: { filter: { everything: true } },
    });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('lists jobs by type and state for managers, never for staff', async () => {
    const res = await get(maya, '/api/jobs?type=payment&state=ready&limit=200');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.length).toBeGreaterThan(0);
    expect(res.json().items.every((j: { jobType: string }) => j.jobType === 'payment')).toBe(true);
    expect((await get(sam, '/api/jobs')).statusCode).toBe(403);
    expect((await get(maya, '/api/jobs?state=stuck')).statusCode).toBe(400);
  });

  it('documents the new operations in the OpenAPI document', async () => {
    const doc = (await t.call(null, { method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths['/api/jobs'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/api/jobs/{id}'] ?? {})).toContain('patch');
    expect(doc.paths['/api/incidents/retry']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/api/incidents/{id}/retry']?.post?.requestBody).toBeDefined();
  });
});
