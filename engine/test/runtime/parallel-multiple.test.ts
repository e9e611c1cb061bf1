import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/model/index.js';
import { Driver, loadModel } from './support/driver.js';

async function started(processId: string): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-parallel-multiple.bpmn', processId));
  driver.start({ key: 'k-1' });
  return driver;
}

const SIGNALS_AND_TIMER =
  '<bpmn:signalEventDefinition signalRef="a" /><bpmn:signalEventDefinition signalRef="b" /><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>';

/** A process `p` whose start `s` (in `body`) leads to an end event, with signals a, b and a keyed message m. */
const startFile = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">${body}
  <bpmn:endEvent id="e" /><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" /></bpmn:process>
  <bpmn:signal id="a" name="a" /><bpmn:signal id="b" name="b" />
  <bpmn:message id="m" name="m"><bpmn:extensionElements><zeebe:subscription correlationKey="=k" /></bpmn:extensionElements></bpmn:message>
</bpmn:definitions>`;

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

  it('accepts a parallel multiple process start event of messages, signals and timers', async () => {
    const { issues, processes } = await compileBpmn(
      startFile(
        '<bpmn:startEvent id="s" parallelMultiple="true">' + SIGNALS_AND_TIMER + '</bpmn:startEvent>',
      ),
    );
    expect(issues).toEqual([]);
    expect(processes[0]?.elements.s).toMatchObject({
      parallelMultiple: true,
      multiple: [{ kind: 'signal' }, { kind: 'signal' }, { kind: 'timer' }],
    });
  });

  it('still rejects at deploy, naming it, a parallel multiple start of keyed messages with a condition or a signal; takes one with an unkeyed condition', async () => {
    const issuesOf = async (body: string) =>
      (await compileBpmn(startFile(body))).issues.map((issue) => `${issue.elementId} ${issue.code}`);
    const condition =
      '<bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=x</bpmn:condition></bpmn:conditionalEventDefinition>';
    expect(
      await issuesOf(
        `<bpmn:startEvent id="s" parallelMultiple="true"><bpmn:signalEventDefinition signalRef="a" />${condition}</bpmn:startEvent>`,
      ),
    ).toEqual([]);
    const keyedCondition = await compileBpmn(
      startFile(
        `<bpmn:startEvent id="s" parallelMultiple="true"><bpmn:messageEventDefinition messageRef="m" />${condition}</bpmn:startEvent>`,
      ),
    );
    expect(keyedCondition.issues.map((issue) => `${issue.elementId} ${issue.code}`)).toEqual([
      's element.unsupported',
    ]);
    expect(keyedCondition.issues[0]?.message).toContain('a condition has no key');
    const keyed = await compileBpmn(
      startFile(
        '<bpmn:startEvent id="s" parallelMultiple="true"><bpmn:messageEventDefinition messageRef="m" /><bpmn:signalEventDefinition signalRef="a" /></bpmn:startEvent>',
      ),
    );
    expect(keyed.issues.map((issue) => `${issue.elementId} ${issue.code}`)).toEqual([
      's element.unsupported',
    ]);
    expect(keyed.issues[0]?.message).toContain('correlation key');
  });
});
