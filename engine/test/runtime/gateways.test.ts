import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

describe('runtime: exclusive gateway', () => {
  it('takes the first flow whose condition holds, in model order', async () => {
    // given
    const driver = new Driver(await loadModel('rt-exclusive.bpmn'));
    // when
    driver.start({ amount: 5000 });
    // then
    expect(driver.activeElements()).toEqual({ large: 1 });
    expect(driver.state?.takenFlowIds).toEqual(['f1', 'toLarge']);
  });

  it('takes the default flow when no condition holds', async () => {
    // given
    const driver = new Driver(await loadModel('rt-exclusive.bpmn'));
    // when
    driver.start({ amount: 5 });
    // then
    expect(driver.activeElements()).toEqual({ small: 1 });
  });

  it('passes every arrival through a merging exclusive gateway', async () => {
    // given
    const driver = new Driver(await loadModel('rt-exclusive.bpmn'));
    driver.start({ amount: 500 });
    // when
    driver.completeTask('medium');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.state?.completedElementIds).toEqual(['start', 'route', 'medium', 'merge', 'end']);
  });

  it('raises a condition incident when nothing matches and there is no default, and resumes on retry', async () => {
    // given
    const driver = new Driver(await loadModel('rt-exclusive-no-default.bpmn'));
    driver.start({ approved: null });
    const incident = driver.incident('route');
    expect(incident.incidentType).toBe('condition');
    expect(driver.state?.tokens).toEqual([
      expect.objectContaining({ elementId: 'route', wait: { kind: 'incident', incidentId: incident.id } }),
    ]);
    // when
    driver.run({ type: 'variables.set', variables: { approved: true } });
    driver.run({ type: 'incident.retry', incidentId: incident.id });
    // then
    expect(driver.incidents.size).toBe(0);
    expect(driver.activeElements()).toEqual({ yes: 1 });
  });
});

describe('runtime: parallel gateway', () => {
  it('forks one token per outgoing flow', async () => {
    // given
    const driver = new Driver(await loadModel('rt-parallel.bpmn'));
    // when
    driver.start();
    // then
    expect(driver.activeElements()).toEqual({ a: 1, b: 1, c: 1 });
    expect(driver.tasks.size).toBe(3);
  });

  it('joins once a token arrived on every incoming flow', async () => {
    // given
    const driver = new Driver(await loadModel('rt-parallel.bpmn'));
    driver.start();
    // when
    driver.completeTask('a');
    // then
    expect(driver.activeElements()).toEqual({ join: 1, b: 1, c: 1 });
    expect(driver.state?.tokens.find((token) => token.elementId === 'join')).toMatchObject({
      arrivedBy: 'ja',
      wait: { kind: 'join' },
    });
    // when
    driver.completeTask('b');
    // then
    expect(driver.activeElements()).toEqual({ after: 1, c: 1 });
  });

  it('counts arrivals per flow: a second arrival on the same flow waits for the next round', async () => {
    // given
    const driver = new Driver(await loadModel('rt-parallel.bpmn'));
    driver.start();
    // when
    driver.completeTask('b');
    driver.completeTask('c');
    // then: two tokens on flow jbc, none on ja
    expect(driver.activeElements()).toEqual({ join: 2, a: 1 });
    // when
    driver.completeTask('a');
    // then: one round fired, the extra arrival keeps waiting
    expect(driver.activeElements()).toEqual({ after: 1, join: 1 });
    expect(driver.state?.tokens.find((token) => token.elementId === 'join')?.arrivedBy).toBe('jbc');
  });
});

describe('runtime: inclusive gateway', () => {
  it('forks along every flow whose condition holds', async () => {
    // given
    const driver = new Driver(await loadModel('rt-inclusive.bpmn'));
    // when
    driver.start({ legal: true, finance: true, security: false });
    // then
    expect(driver.activeElements()).toEqual({ legal: 1, finance: 1 });
  });

  it('takes the default flow when no condition holds', async () => {
    // given
    const driver = new Driver(await loadModel('rt-inclusive.bpmn'));
    // when
    driver.start({ legal: false, finance: false, security: false });
    driver.completeTask('none');
    // then
    expect(driver.activeElements()).toEqual({ after: 1 });
  });

  it('joins when the branches that were started have arrived, not waiting for branches never taken', async () => {
    // given
    const driver = new Driver(await loadModel('rt-inclusive.bpmn'));
    driver.start({ legal: true, finance: true, security: false });
    // when
    driver.completeTask('legal');
    // then
    expect(driver.activeElements()).toEqual({ join: 1, finance: 1 });
    // when
    driver.completeTask('finance');
    // then
    expect(driver.activeElements()).toEqual({ after: 1 });
  });

  it('stops waiting for a branch that took a path away from the join', async () => {
    // given
    const driver = new Driver(await loadModel('rt-inclusive.bpmn'));
    driver.start({ legal: true, finance: false, security: true, dropSecurity: true });
    driver.completeTask('legal');
    expect(driver.activeElements()).toEqual({ join: 1, security: 1 });
    // when: security ends at its own end event instead of reaching the join
    driver.completeTask('security');
    // then
    expect(driver.activeElements()).toEqual({ after: 1 });
    expect(driver.state?.completedElementIds).toContain('dropped');
  });
});

describe('runtime: event-based gateway', () => {
  it('subscribes to every event after it, with evaluated correlation keys', async () => {
    // given
    const driver = new Driver(await loadModel('rt-event-gateway.bpmn'));
    // when
    driver.start({ orderId: 'o-7' });
    // then
    expect(driver.activeElements()).toEqual({ wait: 1 });
    expect([...driver.subscriptions.values()].map((s) => `${s.name}/${s.correlationKey}`).sort()).toEqual([
      'cancel/o-7',
      'paid/o-7',
    ]);
    expect(driver.job('timeout').dueAt).toEqual(new Date('2026-03-02T11:00:00Z'));
    expect(driver.state?.tokens[0]?.wait).toEqual({ kind: 'eventGateway' });
  });

  it('follows the first event and cancels the others', async () => {
    // given
    const driver = new Driver(await loadModel('rt-event-gateway.bpmn'));
    driver.start({ orderId: 'o-7' });
    // when
    driver.correlate('paid', { paidAt: 'today' }, 'o-7');
    // then
    expect(driver.activeElements()).toEqual({ ship: 1 });
    expect(driver.subscriptions.size).toBe(0);
    expect(driver.jobs.size).toBe(0);
    expect(driver.variables).toMatchObject({ paidAt: 'today' });
    expect(driver.state?.completedElementIds).toEqual(['start', 'wait', 'paid']);
  });

  it('follows the timer when it fires first', async () => {
    // given
    const driver = new Driver(await loadModel('rt-event-gateway.bpmn'));
    driver.start({ orderId: 'o-7' });
    // when
    driver.fireTimer('timeout');
    // then
    expect(driver.activeElements()).toEqual({ remind: 1 });
    expect(driver.subscriptions.size).toBe(0);
  });

  it('completes a receive task after the gateway as soon as its message is the winner', async () => {
    // given
    const driver = new Driver(await loadModel('rt-event-gateway.bpmn'));
    driver.start({ orderId: 'o-7' });
    // when
    driver.correlate('cancel', {}, 'o-7');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.state?.completedElementIds).toContain('cancelRequest');
    expect(driver.jobs.size).toBe(0);
  });
});
