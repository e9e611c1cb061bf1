import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import {
  ForbiddenError,
  InstanceNotFoundError,
  JobNotFoundError,
  MessageNotCorrelatedError,
  TaskCommandRefusedError,
  TaskNotActiveError,
  TaskNotFoundError,
} from '../../src/errors.js';
import { SYSTEM, systemIdentity, userIdentity } from '../../src/identity.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  message,
  messageCatch,
  serviceTask,
  startEvent,
  threeStepProcess,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

/**
 * What an embedding program gets without the server: every command checks its identity with the
 * engine's one policy, in the transaction that acts. The three-step process: `draft` is assigned
 * to ann, `review` is offered to the group `leads`, `approve` to `managers` and to carl.
 */
const ann = userIdentity('ann', { groups: ['staff'] });
const lena = userIdentity('lena', { groups: ['leads'] });
const leo = userIdentity('leo', { groups: ['leads'] });
const omar = userIdentity('omar', { groups: ['staff'] });
const mia = userIdentity('mia', { roles: ['manager'], groups: ['managers'] });
const max = userIdentity('max', { roles: ['manager'], groups: ['other-managers'] });
const worker = (scopes: string[]) =>
  userIdentity('svc', { roles: ['worker'], scopes, tokenName: 'billing-worker' });

const serviceAndMessage = bpmnFile(
  [
    linearProcess('charge', [
      startEvent('begin'),
      serviceTask('pay', 'payment.charge'),
      messageCatch('await-receipt', 'receipt'),
      userTask('check', { assignee: 'ann' }),
      endEvent('charged'),
    ]),
    linearProcess('intake', [
      '<bpmn:startEvent id="filed"><bpmn:messageEventDefinition messageRef="filed-msg" /></bpmn:startEvent>',
      userTask('triage', { groups: 'staff' }),
      endEvent('triaged'),
    ]),
  ],
  `${message('receipt', 'receipt-arrived', '=orderId')}${message('filed-msg', 'claim-filed')}`,
);

describe.each(databases())('the policy on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    await engine.deploy(threeStepProcess());
  });

  /** An instance whose draft is done: `review` waits for the leads. */
  async function atReview() {
    const instance = await engine.startInstance({ processId: 'three-steps' }, ann);
    await engine.completeTask((await onlyOpenTask(engine, instance.id)).id, {}, ann);
    return { instance, review: await onlyOpenTask(engine, instance.id) };
  }

  it('lets a candidate claim, hides the task from others, and refuses a second claimer', async () => {
    const { review } = await atReview();
    await expect(engine.claimTask(review.id, omar)).rejects.toBeInstanceOf(TaskNotFoundError);
    expect((await engine.claimTask(review.id, lena)).assignee).toBe('lena');
    const second = await engine.claimTask(review.id, leo).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(TaskCommandRefusedError);
    expect((second as TaskCommandRefusedError).code).toBe('TASK_ALREADY_CLAIMED');
    // a user claims for themselves only
    await expect(engine.claimTask(review.id, leo, 'lena')).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('completes as the assignee only, and as a candidate claims and completes in one command', async () => {
    const { instance, review } = await atReview();
    // a candidate completes the unclaimed task: claimed and completed at once
    await engine.completeTask(review.id, { ok: true }, lena);
    const done = await engine.getTask(review.id);
    expect(done).toMatchObject({ state: 'completed', assignee: 'lena', completedBy: 'lena' });
    const completed = (await engine.getHistory(instance.id)).find(
      (e) => e.type === 'task.completed' && e.taskId === review.id,
    );
    expect(completed?.data).toMatchObject({ claimedBy: 'lena' });
    // approve: offered to managers and carl; lena is neither
    const approve = await onlyOpenTask(engine, instance.id);
    await expect(engine.completeTask(approve.id, {}, lena)).rejects.toBeInstanceOf(TaskNotFoundError);
    // a manager who is no candidate must claim first
    const refused = await engine.completeTask(approve.id, {}, max).catch((e: unknown) => e);
    expect((refused as TaskCommandRefusedError).code).toBe('TASK_NOT_CLAIMED');
    await engine.claimTask(approve.id, max);
    // another candidate may not complete a task someone else holds
    await expect(engine.completeTask(approve.id, {}, mia)).rejects.toBeInstanceOf(ForbiddenError);
    await engine.completeTask(approve.id, {}, max);
    expect((await engine.getInstance(instance.id)).status).toBe('completed');
  });

  it('re-checks after a reassignment: the former assignee can no longer complete', async () => {
    const { review } = await atReview();
    await engine.claimTask(review.id, lena);
    await engine.assignTask(review.id, 'leo', mia);
    await expect(engine.completeTask(review.id, {}, lena)).rejects.toBeInstanceOf(ForbiddenError);
    await engine.completeTask(review.id, {}, leo);
    expect((await engine.getTask(review.id)).completedBy).toBe('leo');
  });

  it('lets only managers of the process assign, cancel, set variables and retry', async () => {
    const { instance, review } = await atReview();
    await expect(engine.assignTask(review.id, 'leo', lena)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(engine.setVariables(instance.id, { x: 1 }, ann)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(engine.cancelInstance(instance.id, lena)).rejects.toBeInstanceOf(ForbiddenError);
    // the process names its managing group: a manager outside it, who takes no part, does not
    // even learn that the instance exists
    await engine.setProcessAccess('three-steps', 'managers', ['managers'], SYSTEM);
    await expect(engine.cancelInstance(instance.id, max)).rejects.toBeInstanceOf(InstanceNotFoundError);
    await engine.setVariables(instance.id, { x: 1 }, mia);
    await engine.cancelInstance(instance.id, mia);
    expect((await engine.getInstance(instance.id)).status).toBe('cancelled');
    // only admins change the lists
    await expect(engine.setProcessAccess('three-steps', 'managers', [], mia)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('hands off, delegates and returns as the assignee or a manager; resolves as the delegate', async () => {
    const { review } = await atReview();
    const notClaimed = await engine
      .handOffTask(review.id, { user: 'leo' }, 'busy', lena)
      .catch((e: unknown) => e);
    expect((notClaimed as TaskCommandRefusedError).code).toBe('TASK_NOT_CLAIMED');
    await engine.claimTask(review.id, lena);
    await engine.delegateTask(review.id, 'omar', 'check the numbers', lena);
    const delegated = await engine.completeTask(review.id, {}, omar).catch((e: unknown) => e);
    expect((delegated as TaskCommandRefusedError).code).toBe('TASK_DELEGATED');
    await expect(engine.resolveTask(review.id, {}, lena)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await engine.resolveTask(review.id, { checked: true }, omar)).assignee).toBe('lena');
    await expect(engine.handOffTask(review.id, { user: 'leo' }, 'busy', omar)).rejects.toBeInstanceOf(
      TaskNotFoundError,
    );
    await engine.handOffTask(review.id, { group: 'leads' }, 'manager moves it', mia);
    await expect(engine.returnTask(review.id, 'draft', 'redo', omar)).rejects.toBeInstanceOf(
      TaskNotFoundError,
    );
    await engine.claimTask(review.id, leo);
    await engine.returnTask(review.id, 'draft', 'missing budget', leo);
    await expect(engine.getTask(review.id)).resolves.toMatchObject({ state: 'cancelled' });
  });

  it('starts only for the starting groups, and records who started', async () => {
    await engine.setProcessAccess('three-steps', 'starters', ['sales'], SYSTEM);
    await expect(engine.startInstance({ processId: 'three-steps' }, ann)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const seller = userIdentity('sue', { groups: ['sales'] });
    const started = await engine.startInstance({ processId: 'three-steps' }, seller);
    expect(started.startedBy).toBe('sue');
    // a token without the start scope may not start either
    const token = userIdentity('sue', { groups: ['sales'], scopes: ['read'] });
    await expect(engine.startInstance({ processId: 'three-steps' }, token)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('decides a start on the starting groups as they are now, when another engine changed them since this one started', async () => {
    // given an engine that has started the process (so it remembers its open lists) and a second
    // engine on the same database, as a second server
    await engine.startInstance({ processId: 'three-steps' }, ann);
    const { engine: other } = await testEngine(database);
    // when the other engine restricts who starts to sales, this one refuses ann
    await other.setProcessAccess('three-steps', 'starters', ['sales'], SYSTEM);
    await expect(engine.startInstance({ processId: 'three-steps' }, ann)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const sue = userIdentity('sue', { groups: ['sales'] });
    expect((await engine.startInstance({ processId: 'three-steps' }, sue)).startedBy).toBe('sue');
    // and when it then opens the process to staff too, this one lets ann start again
    await other.setProcessAccess('three-steps', 'starters', ['sales', 'staff'], SYSTEM);
    expect((await engine.startInstance({ processId: 'three-steps' }, ann)).startedBy).toBe('ann');
    // and when it takes sales off again, sue is refused here, though this engine let her start before
    await other.setProcessAccess('three-steps', 'starters', ['staff'], SYSTEM);
    await expect(engine.startInstance({ processId: 'three-steps' }, sue)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    // and nothing was started by a refused start
    const started = await engine.listInstances({ processId: 'three-steps' });
    expect(started.items.map((i) => i.startedBy).sort()).toEqual(['ann', 'ann', 'sue']);
    await other.close();
  });

  it('lets only workers with a matching scope fetch and report jobs, and names the token in history', async () => {
    await engine.deploy(serviceAndMessage);
    const instance = await engine.startInstance(
      { processId: 'charge', variables: { orderId: 'o-1', salary: 5000 } },
      ann,
    );
    const fetch = (identity: Parameters<Engine['fetchAndLock']>[1]) =>
      engine.fetchAndLock({ type: 'payment.charge', workerId: 'w1', fetchVariables: ['orderId'] }, identity);
    await expect(fetch(ann)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(fetch(userIdentity('ann', { scopes: ['jobs:*'] }))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(fetch(worker(['jobs:mail.*']))).rejects.toBeInstanceOf(ForbiddenError);
    const [job] = await fetch(worker(['jobs:payment.*']));
    // only the variables asked for: not the salary
    expect(job?.variables).toEqual({ orderId: 'o-1' });
    const jobId = job?.id ?? '';
    await expect(engine.completeJob(jobId, 'w1', {}, worker(['jobs:mail.*']))).rejects.toBeInstanceOf(
      JobNotFoundError,
    );
    await engine.completeJob(jobId, 'w1', { charged: true }, worker(['jobs:payment.*']));
    const history = await engine.getHistory(instance.id);
    expect(history.find((e) => e.type === 'element.completed' && e.elementId === 'pay')?.actor).toBe(
      'token:billing-worker',
    );
  });

  it('delivers a message from a participant, a manager or a worker, and to nobody else', async () => {
    await engine.deploy(serviceAndMessage);
    const instance = await engine.startInstance({ processId: 'charge', variables: { orderId: 'o-2' } }, ann);
    const [job] = await engine.fetchAndLock({ type: 'payment.charge', workerId: 'w' }, SYSTEM);
    await engine.completeJob(job?.id ?? '', 'w', {}, SYSTEM);
    const receipt = { name: 'receipt-arrived', correlationKey: 'o-2' };
    // a stranger is answered as if nothing waited; a token needs a messages scope
    await expect(engine.correlateMessage(receipt, omar)).rejects.toBeInstanceOf(MessageNotCorrelatedError);
    await expect(
      engine.correlateMessage(receipt, userIdentity('ann', { scopes: ['tasks'] })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // the one who started it may
    await engine.correlateMessage(receipt, ann);
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ check: 1 });
  });

  it('starts by message only for starters, checking the start form first', async () => {
    await engine.deploy(serviceAndMessage);
    await engine.setProcessAccess('intake', 'starters', ['claims'], SYSTEM);
    await expect(engine.correlateMessage({ name: 'claim-filed' }, ann)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const checked: string[] = [];
    const clerk = userIdentity('cleo', { groups: ['claims'] });
    const { instanceId } = await engine.correlateMessage({ name: 'claim-filed' }, clerk, (start) => {
      checked.push(start.processId);
    });
    expect(checked).toEqual(['intake']);
    expect((await engine.getInstance(instanceId as string)).startedBy).toBe('cleo');
  });

  it('gives a departing user’s tasks back to their candidates, saying so in history', async () => {
    const { instance, review } = await atReview();
    await engine.claimTask(review.id, lena);
    await expect(engine.releaseTasksOf('lena', 'deactivated', mia)).rejects.toBeInstanceOf(ForbiddenError);
    const admin = userIdentity('root', { roles: ['admin'] });
    expect(await engine.releaseTasksOf('lena', 'deactivated', admin)).toBe(1);
    expect((await engine.getTask(review.id)).assignee).toBeNull();
    const released = (await engine.getHistory(instance.id)).filter((e) => e.type === 'task.unclaimed');
    expect(released.at(-1)).toMatchObject({
      actor: 'root',
      data: { released: 'lena', reason: 'deactivated' },
    });
  });

  it('never lets the former assignee complete in a claim / reassign / complete race', async () => {
    // given N tasks claimed by lena; when a manager reassigns each to leo while lena completes it
    const trials = 1000;
    let lenaWon = 0;
    let reassigned = 0;
    for (let i = 0; i < trials; i++) {
      const instance = await engine.startInstance({ processId: 'three-steps' }, systemIdentity('ann'));
      const draft = await onlyOpenTask(engine, instance.id);
      await engine.completeTask(draft.id, {}, SYSTEM);
      const review = await onlyOpenTask(engine, instance.id);
      await engine.claimTask(review.id, lena);
      const [assign, complete] = await Promise.allSettled([
        engine.assignTask(review.id, 'leo', mia),
        engine.completeTask(review.id, {}, lena),
      ]);
      // then exactly one of them stands, and lena completes only a task that was still hers
      const task = await engine.getTask(review.id);
      if (complete.status === 'fulfilled') {
        lenaWon++;
        expect(assign.status).toBe('rejected');
        expect((assign as PromiseRejectedResult).reason).toBeInstanceOf(TaskNotActiveError);
        expect(task).toMatchObject({ state: 'completed', completedBy: 'lena', assignee: 'lena' });
      } else {
        reassigned++;
        expect(assign.status).toBe('fulfilled');
        expect(complete.reason).toBeInstanceOf(ForbiddenError);
        expect(task).toMatchObject({ state: 'created', assignee: 'leo' });
      }
    }
    expect(lenaWon + reassigned).toBe(trials);
  }, 600_000);
});
