import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

const START = { reviewers: ['ann', 'bob', 'cy'], signers: ['dee', 'eve'], items: [1, 2, 3] };

async function voting(variables: object = START): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-multi-instance.bpmn'));
  driver.start(variables as Record<string, never>);
  return driver;
}

function voteTask(driver: Driver, reviewer: string) {
  const task = driver.tasksAt('vote').find((candidate) => candidate.assignee === reviewer);
  if (!task) throw new Error(`no vote task for ${reviewer}`);
  return task;
}

describe('runtime: parallel multi-instance', () => {
  it('creates one task per item, each with its input element and loop counter', async () => {
    // when
    const driver = await voting();
    // then
    const tasks = driver.tasksAt('vote');
    expect(tasks.map((task) => task.assignee)).toEqual(['ann', 'bob', 'cy']);
    expect(tasks.map((task) => task.variables['loopCounter'])).toEqual([1, 2, 3]);
    expect(tasks[1]?.variables['reviewer']).toBe('bob');
    expect(driver.activeElements()).toEqual({ vote: 4 });
  });

  it('collects the output element of each iteration at its index, whatever the completion order', async () => {
    // given
    const driver = await voting();
    // when
    for (const [reviewer, vote] of [
      ['cy', 'no'],
      ['ann', 'yes'],
      ['bob', 'yes'],
    ] as const) {
      const task = voteTask(driver, reviewer);
      driver.run({ type: 'task.complete', taskId: task.id, variables: { vote } });
      driver.tasks.delete(task.id);
    }
    // then
    expect(driver.variables['votes']).toEqual(['yes', 'yes', 'no']);
    expect(driver.variables).not.toHaveProperty('vote');
    expect(driver.tasksAt('sign')).toHaveLength(1);
  });

  it('cancels the remaining iterations once the completion condition holds', async () => {
    // given
    const driver = await voting();
    const task = voteTask(driver, 'bob');
    // when
    driver.run({ type: 'task.complete', taskId: task.id, variables: { vote: 'no', veto: true } });
    driver.tasks.delete(task.id);
    // then
    expect(driver.tasksAt('vote')).toHaveLength(0);
    expect(driver.variables['votes']).toEqual([null, 'no', null]);
    expect(driver.tasksAt('sign')).toHaveLength(1);
  });

  it('interrupts every iteration when a boundary event of the multi-instance activity fires', async () => {
    // given
    const driver = await voting();
    // when
    driver.fireTimer('voteTimeout');
    // then
    expect(driver.tasksAt('vote')).toHaveLength(0);
    expect(driver.activeElements()).toEqual({ timedOut: 1 });
    expect(driver.state?.scopes).toHaveLength(1);
  });

  it('completes at once with an empty output collection for an empty input collection', async () => {
    // when
    const driver = await voting({ ...START, reviewers: [] });
    // then
    expect(driver.variables['votes']).toEqual([]);
    expect(driver.tasksAt('sign')).toHaveLength(1);
  });

  it('raises an incident when the input collection is not a list', async () => {
    // when
    const driver = await voting({ ...START, reviewers: 'ann' });
    // then
    expect(driver.incident('vote').incidentType).toBe('expression');
    expect(driver.tasks.size).toBe(0);
    // when
    driver.run({ type: 'variables.set', variables: { reviewers: ['ann'] } });
    driver.run({ type: 'incident.retry', incidentId: driver.incident('vote').id });
    // then
    expect(driver.tasksAt('vote').map((task) => task.assignee)).toEqual(['ann']);
  });
});

describe('runtime: sequential multi-instance', () => {
  it('runs one iteration after the other', async () => {
    // given
    const driver = await voting({ ...START, reviewers: [] });
    expect(driver.tasksAt('sign').map((task) => task.variables['signer'])).toEqual(['dee']);
    // when
    driver.completeTask('sign');
    // then
    expect(driver.tasksAt('sign').map((task) => task.variables['signer'])).toEqual(['eve']);
    // when
    driver.completeTask('sign');
    // then
    expect(driver.tasksAt('sign')).toHaveLength(0);
  });
});

describe('runtime: multi-instance subprocess', () => {
  it('runs the subprocess once per item in its own scope and collects the outputs', async () => {
    // given
    const driver = await voting({ ...START, reviewers: [], signers: [] });
    // then
    expect(driver.variables['prices']).toEqual([10, 20, 30]);
    expect(driver.activeElements()).toEqual({ done: 1 });
    expect(driver.state?.scopes).toHaveLength(1);
  });
});

describe('runtime: standard loop', () => {
  it('repeats while the condition holds, testing before the first run', async () => {
    // given
    const driver = new Driver(await loadModel('rt-loop.bpmn'));
    // when
    driver.start({ n: 0 });
    // then
    expect(driver.variables['n']).toBe(5);
    expect(driver.activeElements()).toEqual({ attempt: 1 });
  });

  it('skips an activity whose test-before condition is false at once', async () => {
    // given
    const driver = new Driver(await loadModel('rt-loop.bpmn'));
    // when
    driver.start({ n: 7 });
    // then
    expect(driver.variables['n']).toBe(7);
    expect(driver.activeElements()).toEqual({ attempt: 1 });
  });

  it('stops at the loop maximum', async () => {
    // given
    const driver = new Driver(await loadModel('rt-loop.bpmn'));
    driver.start({ n: 5 });
    // when
    driver.completeTask('attempt', { retry: true });
    driver.completeTask('attempt', { retry: true });
    driver.completeTask('attempt', { retry: true });
    // then
    expect(driver.status).toBe('completed');
    expect(driver.historyOf('task.completed')).toHaveLength(3);
  });

  it('leaves the loop when the condition no longer holds', async () => {
    // given
    const driver = new Driver(await loadModel('rt-loop.bpmn'));
    driver.start({ n: 5 });
    // when
    driver.completeTask('attempt', { retry: true });
    driver.completeTask('attempt', { retry: false });
    // then
    expect(driver.status).toBe('completed');
  });
});
