import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/model/index.js';
import { Driver, loadModel } from './support/driver.js';

async function started(processId: string): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-parallel-multiple.bpmn', processId));
  driver.start({ key: 'k-1' });
  return driver;
}

describe('runtime: parallel multiple events (every event needed)', () => {
  it('arms every event of a parallel multiple catch event and waits', async () => {
    const driver = await started('pm-catch');
    expect(driver.activeElements()).toEqual({ both: 1 });
    expect(driver.openWork()).toEqual({ subscriptions: ['message:ping:both', 'signal:go:both'], jobs: [] });
  });

  it('does not trigger on one event; triggers when the other one happens too, with both payloads', async () => {
    // given
    const driver = await started('pm-catch');
    // when the message comes
    driver.correlate('ping', { pinged: 1 }, 'k-1');
    // then it still waits, for the signal only
    expect(driver.activeElements()).toEqual({ both: 1 });
    expect(driver.openWork()).toEqual({ subscriptions: ['signal:go:both'], jobs: [] });
    expect(driver.variables).not.toHaveProperty('pinged');
    // when the signal comes
    driver.signal('go', { went: 2 });
    // then
    expect(driver.activeElements()).toEqual({ next: 1 });
    expect(driver.variables).toMatchObject({ pinged: 1, went: 2 });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
  });

  it('keeps which events happened across a reload of the persisted state, in any order', async () => {
    // given
    const driver = await started('pm-catch');
    driver.signal('go');
    driver.reload();
    expect(driver.state?.tokens[0]?.boundary).toEqual([
      expect.objectContaining({ elementId: 'both', subscriptionId: expect.any(String) }),
      { elementId: 'both', definition: 1, fired: true },
    ]);
    // when
    driver.correlate('ping', {}, 'k-1');
    // then
    expect(driver.activeElements()).toEqual({ next: 1 });
  });

  it('interrupts the activity only when every event of an interrupting parallel multiple boundary happened', async () => {
    // given
    const driver = await started('pm-boundary');
    expect(driver.activeElements()).toEqual({ work: 1 });
    // when
    driver.signal('halt');
    driver.reload();
    // then
    expect(driver.activeElements()).toEqual({ work: 1 });
    // when
    driver.correlate('stop', {}, 'k-1');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.tasks.size).toBe(0);
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    expect(driver.historyOf('element.completed').map((r) => r.elementId)).toContain('stopped');
  });

  it('fires a non-interrupting parallel multiple boundary when its timer and signal both happened, and arms it again', async () => {
    // given
    const driver = await started('pm-boundary');
    // when only the timer fires
    driver.fireTimer('nudge');
    // then
    expect(driver.tasksAt('chase')).toHaveLength(0);
    // when the signal comes too
    driver.signal('nudge');
    // then the boundary fired once, the task stays, and both of its events are armed again
    expect(driver.tasksAt('chase')).toHaveLength(1);
    expect(driver.tasksAt('work')).toHaveLength(1);
    expect(driver.openWork().jobs).toEqual(['timer:nudge']);
    expect(driver.openWork().subscriptions).toContain('signal:nudge:nudge');
  });

  it('throws every definition of a multiple throw and end event, in document order', async () => {
    // given
    const driver = new Driver(await loadModel('rt-parallel-multiple-throw.bpmn', 'pm-throw'));
    // when
    driver.start();
    // then: the throw event sent its signal, then its escalation, which the subprocess's boundary caught
    const thrown = driver.history
      .filter((r) => r.type === 'signal.thrown' || r.type === 'escalation.thrown')
      .map((r) => `${r.type}:${r.elementId}`);
    expect(thrown).toEqual([
      'signal.thrown:announce',
      'escalation.thrown:announce',
      'signal.thrown:finish',
      'signal.thrown:finish',
    ]);
    expect(driver.activeElements()).toEqual({ handle: 1 });
    // and the end event broadcast both of its signals, in order, after the throw event's one
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['news', 'done', 'news']);
  });

  it('rejects a parallel multiple start event at deploy, naming it', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" parallelMultiple="true"><bpmn:signalEventDefinition signalRef="a" /><bpmn:signalEventDefinition signalRef="b" /></bpmn:startEvent>
  <bpmn:endEvent id="e" /><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" /></bpmn:process>
  <bpmn:signal id="a" name="a" /><bpmn:signal id="b" name="b" />
</bpmn:definitions>`;
    const { issues } = await compileBpmn(xml);
    expect(issues.map((issue) => `${issue.elementId} ${issue.code}`)).toEqual(['s element.unsupported']);
    expect(issues[0]?.message).toContain('parallel multiple');
  });
});
