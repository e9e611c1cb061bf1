import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

const START = {
  owner: 'kim',
  groups: ['leads', 'qa'],
  due: '2026-03-04T17:00:00Z',
  prio: 80,
  a: 2,
  b: 3,
  caseId: 'c-9',
};

describe('runtime: user task assignment', () => {
  it('evaluates assignee, FEEL candidate groups, comma candidate users, schedule, priority and form', async () => {
    // given
    const driver = new Driver(await loadModel('rt-activities.bpmn'));
    // when
    driver.start(START);
    // then
    expect(driver.task('details')).toMatchObject({
      name: 'Check details',
      assignee: 'kim',
      candidateGroups: ['leads', 'qa'],
      candidateUsers: ['ann', 'bob'],
      dueAt: new Date('2026-03-04T17:00:00Z'),
      followUpAt: new Date('2026-03-05T10:00:00Z'),
      priority: 80,
      formId: 'form-x',
    });
  });

  it("offers a task without assignment to the lane's name as candidate group", async () => {
    // given
    const driver = new Driver(await loadModel('rt-activities.bpmn'));
    driver.start(START);
    // when
    driver.completeTask('details');
    // then
    expect(driver.task('laneTask')).toMatchObject({
      assignee: null,
      candidateGroups: ['Managers'],
      candidateUsers: [],
      priority: 50,
    });
  });

  it('raises an expression incident for a due date that is not a date, creating no task', async () => {
    // given
    const driver = new Driver(await loadModel('rt-activities.bpmn'));
    // when
    driver.start({ ...START, due: 'next week' });
    // then
    expect(driver.incident('details').incidentType).toBe('expression');
    expect(driver.tasks.size).toBe(0);
    // when
    driver.run({ type: 'variables.set', variables: { due: '2026-03-09' } });
    driver.run({ type: 'incident.retry', incidentId: driver.incident('details').id });
    // then
    expect(driver.task('details').dueAt).toEqual(new Date('2026-03-09T00:00:00Z'));
  });
});

describe('runtime: script, manual, plain and receive tasks', () => {
  it('evaluates the script, passes manual and plain tasks, and waits at the receive task', async () => {
    // given
    const driver = new Driver(await loadModel('rt-activities.bpmn'));
    driver.start(START);
    driver.completeTask('details');
    // when
    driver.completeTask('laneTask');
    // then
    expect(driver.variables).toMatchObject({ sum: 5 });
    expect(driver.state?.completedElementIds).toEqual([
      'start',
      'details',
      'laneTask',
      'script',
      'manual',
      'plain',
    ]);
    expect(driver.activeElements()).toEqual({ receive: 1 });
    expect([...driver.subscriptions.values()]).toEqual([
      expect.objectContaining({ name: 'doc', correlationKey: 'c-9' }),
    ]);
  });

  it('completes the receive task with the message variables', async () => {
    // given
    const driver = new Driver(await loadModel('rt-activities.bpmn'));
    driver.start(START);
    driver.completeTask('details');
    driver.completeTask('laneTask');
    // when
    driver.correlate('doc', { document: 'x.pdf' }, 'c-9');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.variables).toMatchObject({ document: 'x.pdf' });
    expect(driver.subscriptions.size).toBe(0);
  });
});

describe('runtime: io mappings and variable propagation', () => {
  const order = { order: { total: 40, items: ['a', 'b', 'c'] }, orderId: 'o-1' };

  it('creates an activity scope with the inputs, visible to the task', async () => {
    // given
    const driver = new Driver(await loadModel('rt-io-mapping.bpmn'));
    // when
    driver.start(order);
    // then
    expect(driver.task('prepare').variables).toEqual({ ...order, total: 40, label: 'fixed' });
    expect(driver.state?.scopes).toHaveLength(2);
    expect(driver.variables).toEqual(order);
  });

  it('maps outputs into the parent scope (dotted targets too) and drops the local inputs', async () => {
    // given
    const driver = new Driver(await loadModel('rt-io-mapping.bpmn'));
    driver.start(order);
    // when
    driver.completeTask('prepare', { approved: true, unmapped: 'x' });
    // then
    expect(driver.variables).toMatchObject({ decision: { approved: true }, doubled: 80 });
    expect(driver.variables).not.toHaveProperty('unmapped');
    expect(driver.variables).not.toHaveProperty('total');
  });

  it('runs a subprocess in its own scope and maps its outputs out', async () => {
    // given
    const driver = new Driver(await loadModel('rt-io-mapping.bpmn'));
    driver.start(order);
    // when
    driver.completeTask('prepare', { approved: true });
    // then
    expect(driver.variables).toMatchObject({ count: 3 });
    expect(driver.variables).not.toHaveProperty('localItems');
    expect(driver.activeElements()).toEqual({ keep: 1, innerEdit: 1 });
  });

  it('sets completion variables where they are defined, else in the root scope', async () => {
    // given
    const driver = new Driver(await loadModel('rt-io-mapping.bpmn'));
    driver.start(order);
    driver.completeTask('prepare', { approved: true });
    const keepScope = driver.state?.scopes.find((scope) => scope.elementId === 'keep');
    // when
    driver.completeTask('innerEdit', { counter: 5, fresh: 'yes' });
    // then
    expect(
      driver
        .historyOf('variables.changed')
        .slice(-2)
        .map((r) => r.data),
    ).toEqual([
      { names: ['counter'], scopeId: keepScope?.id },
      { names: ['fresh'], scopeId: driver.state?.scopes[0]?.id },
    ]);
    expect(driver.variables).toMatchObject({ fresh: 'yes' });
    expect(driver.variables).not.toHaveProperty('counter');
    expect(driver.status).toBe('completed');
  });

  it('listens for the event subprocess of a subprocess only while the subprocess runs', async () => {
    // given
    const driver = new Driver(await loadModel('rt-io-mapping.bpmn'));
    driver.start(order);
    driver.completeTask('prepare', { approved: true });
    expect([...driver.subscriptions.values()].map((s) => s.name)).toEqual(['poke']);
    // when
    driver.correlate('poke', {}, 'o-1');
    // then
    expect(driver.activeElements()).toEqual({ keep: 1, innerEdit: 1 });
    expect(driver.state?.completedElementIds).toContain('pokeEnd');
    // when
    driver.completeTask('innerEdit');
    // then
    expect(driver.subscriptions.size).toBe(0);
  });
});
