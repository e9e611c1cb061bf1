import { describe, expect, it } from 'vitest';
import type { ProcessModel } from '../../src/model/types.js';
import { Driver, loadModel, loadProcesses } from './support/driver.js';

/** How forms of BPMN that Camunda Modeler writes (and Zeebe runs) behave once deployed. */

describe('runtime: message events run as jobs', () => {
  it('waits at a message throw event without a message for its job, with its headers, then goes on', async () => {
    // given
    const driver = new Driver(await loadModel('rt-message-jobs.bpmn'));
    // when
    driver.start({ orderId: 'o-1' });
    // then
    expect(driver.job('notify', 'service')).toMatchObject({
      jobType: 'send-notice',
      retries: 3,
      headers: { template: 'order-received' },
      variables: { orderId: 'o-1' },
    });
    expect(driver.activeElements()).toEqual({ notify: 1 });
    // when
    driver.completeJob('notify', { noticeId: 'n-9' });
    // then
    expect(driver.job('archived', 'service')).toMatchObject({ jobType: 'archive', retries: 2 });
    expect(driver.status).toBe('active');
  });

  it('ends the instance once the job of a message end event without a message completes', async () => {
    // given
    const driver = new Driver(await loadModel('rt-message-jobs.bpmn'));
    driver.start({ shelf: 4 });
    driver.completeJob('notify', { noticeId: 'n-9' });
    // when
    driver.completeJob('archived', { archivedAt: 'shelf-4' });
    // then
    expect(driver.status).toBe('completed');
    expect(driver.variables).toMatchObject({ archivedAt: 'shelf-4' });
  });

  it('gives the job of a message end event its input mappings as local variables, as Zeebe does', async () => {
    // given
    const driver = new Driver(await loadModel('rt-message-jobs.bpmn'));
    driver.start({ shelf: 4 });
    // when the message throw's job completes and the end event's job is created
    driver.completeJob('notify', { noticeId: 'n-9' });
    // then the job sees its inputs beside the process's variables
    expect(driver.job('archived', 'service').variables).toEqual({
      shelf: 4,
      noticeId: 'n-9',
      location: 'shelf-4',
      reference: 'n-9',
    });
    // when it completes, setting one of its inputs and a new variable
    driver.completeJob('archived', { location: 'basement', archivedAt: 'box-2' });
    // then the inputs stay local to the event: only the new variable reaches the process
    expect(driver.status).toBe('completed');
    expect(driver.variables).toEqual({ shelf: 4, noticeId: 'n-9', archivedAt: 'box-2' });
  });
});

describe('runtime: referenced event definitions', () => {
  it('throws the error of an end event whose definition is referenced, so the boundary catches it', async () => {
    // given
    const driver = new Driver(await loadModel('rt-event-definition-ref.bpmn'));
    // when
    driver.start();
    // then the subprocess did not end normally: the error path was taken
    expect(driver.activeElements()).toEqual({ handleRejection: 1 });
    expect(driver.tasksAt('afterCheck')).toHaveLength(0);
  });
});

describe('runtime: an input without a source', () => {
  it('declares a local variable of the task, so what the task sets there stays there', async () => {
    // given
    const driver = new Driver(await loadModel('rt-local-input.bpmn'));
    driver.start({ amount: 3 });
    expect(driver.task('draft').variables).toMatchObject({ note: null, amount: 3 });
    // when
    driver.completeTask('draft', { note: 'looked fine', checked: true });
    // then
    expect(driver.variables).toEqual({ amount: 3, checked: true });
  });
});

describe('runtime: multi-instance output mappings', () => {
  async function processesOf() {
    const processes = await loadProcesses('rt-multi-instance-outputs.bpmn');
    return (id: string) =>
      new Driver(processes.get(id) as ProcessModel, { findProcess: (called) => processes.get(called) });
  }

  it('collects what a user task iteration maps out, not nulls', async () => {
    // given
    const driver = (await processesOf())('mi-user-outputs');
    driver.start({ items: ['a', 'b', 'c'] });
    const tasks = driver.tasksAt('review');
    // when the iterations complete out of order
    for (const [index, score] of [
      [2, 3],
      [0, 1],
      [1, 2],
    ] as const) {
      const task = tasks[index];
      if (!task) throw new Error('missing task');
      driver.run({ type: 'task.complete', taskId: task.id, variables: { score } });
      driver.tasks.delete(task.id);
    }
    // then
    expect(driver.variables['results']).toEqual([10, 20, 30]);
    expect(driver.variables).not.toHaveProperty('result');
    expect(driver.tasksAt('userDone')).toHaveLength(1);
  });

  it('collects what a service task iteration maps out of its job result', async () => {
    // given
    const driver = (await processesOf())('mi-job-outputs');
    driver.start({ items: [1, 2, 3] });
    const jobs = driver.jobsAt('price');
    expect(jobs).toHaveLength(3);
    // when
    jobs.forEach((job, index) => {
      driver.jobs.delete(job.id);
      driver.run({ type: 'job.complete', jobId: job.id, variables: { amount: (index + 1) * 10 } });
    });
    // then
    expect(driver.variables['costs']).toEqual([10, 20, 30]);
    expect(driver.variables).not.toHaveProperty('cost');
    expect(driver.tasksAt('jobDone')).toHaveLength(1);
  });

  it('collects what a call activity iteration maps out of its child', async () => {
    // given
    const driver = (await processesOf())('mi-call-outputs');
    driver.start({ items: ['x', 'y', 'z'] });
    const children = [...driver.children.values()];
    expect(children).toHaveLength(3);
    // when each child completes with its value
    children.forEach((child, index) => {
      driver.run({
        type: 'child.completed',
        childInstanceId: child.childInstanceId,
        variables: { value: (index + 1) * 10 },
      });
    });
    // then
    expect(driver.variables['values']).toEqual([10, 20, 30]);
    expect(driver.tasksAt('callDone')).toHaveLength(1);
  });
});
