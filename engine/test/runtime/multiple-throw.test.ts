import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/model/index.js';
import { Driver, loadModel } from './support/driver.js';

async function started(processId: string): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-multiple-more.bpmn', processId));
  driver.start({ key: 'k-1' });
  return driver;
}

const thrown = (driver: Driver) =>
  driver.history
    .filter((r) => r.type === 'signal.thrown' || r.type === 'escalation.thrown' || r.type === 'error.thrown')
    .map((r) => `${r.type}:${r.elementId}:${JSON.stringify(r.data)}`);

describe('runtime: multiple throw and end events', () => {
  it('runs the job of a multiple throw event first, then throws its signal; without a job type the message passes through', async () => {
    // given
    const driver = await started('mt-job');
    // then the job stands for the message; nothing is thrown yet
    expect(driver.activeElements()).toEqual({ notify: 1 });
    expect(driver.openWork().jobs).toEqual(['service:notify']);
    expect(driver.broadcasts).toEqual([]);
    // when the worker sends the message
    driver.completeJob('notify', { sent: 1 });
    // then the signal follows, the job's variables are written, and the next multiple throw
    // (a message without a job type and a signal) passes its message and throws its signal
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['news', 'mention']);
    expect(driver.variables).toMatchObject({ sent: 1 });
    expect(driver.activeElements()).toEqual({ finish: 1 });
    expect(driver.openWork().jobs).toEqual(['service:finish']);
  });

  it('runs the job of a multiple end event, then throws its signal and escalation in document order', async () => {
    // given
    const driver = await started('mt-job');
    driver.completeJob('notify');
    driver.reload();
    // when
    driver.completeJob('finish', { farewell: 'sent' });
    // then
    expect(thrown(driver).slice(-2)).toEqual([
      'signal.thrown:finish:{"signalName":"done"}',
      'escalation.thrown:finish:{"escalationCode":"LATE"}',
    ]);
    expect(driver.status).toBe('completed');
    expect(driver.variables).toMatchObject({ farewell: 'sent' });
    expect(driver.historyOf('element.completed').map((r) => r.elementId)).toContain('finish');
  });

  it('throws the definitions before the error of a multiple end event, and the error ends the rest', async () => {
    // when
    const driver = await started('mt-error');
    // then
    expect(thrown(driver)).toEqual([
      'signal.thrown:fail:{"signalName":"news"}',
      'error.thrown:fail:{"errorCode":"BROKEN"}',
    ]);
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['news']);
    expect(driver.activeElements()).toEqual({ recover: 1 });
    expect(driver.state?.completedElementIds).toContain('fail');
  });

  it('terminates the instance after the job and the signal of a multiple end event; what follows the terminate is not thrown', async () => {
    // given
    const driver = await started('mt-terminate');
    expect(driver.activeElements()).toEqual({ wait: 1, stop: 1 });
    expect(driver.broadcasts).toEqual([]);
    // when
    driver.completeJob('stop');
    // then
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['news']);
    expect(driver.status).toBe('terminated');
    expect(driver.tasks.size).toBe(0);
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
  });

  it('throws the signal, waits for the compensation handlers (user tasks), then throws the escalation of a multiple throw event, across reloads', async () => {
    // given: both tasks completed, so both have a handler to run
    const driver = new Driver(await loadModel('rt-multiple-compensation.bpmn', 'mc-order'));
    driver.start({ key: 'k-1' });
    driver.completeTask('book');
    // when
    driver.completeTask('ship');
    // then the signal (before the compensation) is thrown, the handlers run and the event waits
    expect(thrown(driver)).toEqual(['signal.thrown:throwAll:{"signalName":"news"}']);
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['news']);
    expect(driver.activeElements()).toEqual({ throwAll: 1, undoBook: 1, undoShip: 1 });
    expect(
      driver
        .historyOf('compensation.started')
        .map((r) => `${r.elementId}>${String(r.data?.['handlerId'])}`)
        .sort(),
    ).toEqual(['book>undoBook', 'ship>undoShip']);
    // the token records the definition thrown next, in the persisted state
    driver.reload();
    expect(driver.state?.tokens.find((t) => t.elementId === 'throwAll')?.multipleThrow).toEqual({ next: 2 });
    // when one handler completes
    driver.completeTask('undoShip');
    driver.reload();
    // then the event still waits; nothing more is thrown
    expect(thrown(driver)).toHaveLength(1);
    expect(driver.activeElements()).toEqual({ throwAll: 1, undoBook: 1 });
    // when the last handler completes
    driver.completeTask('undoBook');
    // then the escalation follows the handlers, and the event completes
    expect(thrown(driver)).toEqual([
      'signal.thrown:throwAll:{"signalName":"news"}',
      'escalation.thrown:throwAll:{"escalationCode":"LATE"}',
    ]);
    const types = driver.history.map((r) => `${r.type}:${r.elementId}`);
    expect(types.indexOf('escalation.thrown:throwAll')).toBeGreaterThan(
      types.lastIndexOf('element.completed:undoBook'),
    );
    expect(types.indexOf('escalation.thrown:throwAll')).toBeGreaterThan(
      types.lastIndexOf('element.completed:undoShip'),
    );
    expect(driver.activeElements()).toEqual({ after: 1 });
    expect(driver.state?.tokens.some((t) => t.multipleThrow !== undefined)).toBe(false);
    expect(driver.state?.completedElementIds).toContain('throwAll');
    driver.completeTask('after');
    expect(driver.status).toBe('completed');
  });

  it('waits for the handler of a multiple end event, then throws its signal and ends the path', async () => {
    // given
    const driver = new Driver(await loadModel('rt-multiple-compensation.bpmn', 'mc-end'));
    driver.start({ key: 'k-1' });
    driver.completeTask('lend');
    driver.reload();
    expect(driver.activeElements()).toEqual({ undoAndEnd: 1, takeBack: 1 });
    expect(driver.status).toBe('active');
    // when
    driver.completeTask('takeBack');
    // then
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['done']);
    expect(driver.status).toBe('completed');
    expect(driver.state?.completedElementIds).toContain('undoAndEnd');
  });

  it('passes the compensation definition of a multiple end event on at once when there is nothing to compensate', async () => {
    // when
    const driver = new Driver(await loadModel('rt-multiple-compensation.bpmn', 'mc-none'));
    driver.start({ key: 'k-1' });
    // then both signals, before and after the compensation, are thrown and the path ends
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['news', 'done']);
    expect(driver.historyOf('compensation.started')).toEqual([]);
    expect(driver.status).toBe('completed');
    expect(driver.state?.completedElementIds).toContain('finishAll');
  });

  it('stops the rest of a multiple throw event when a catch interrupts it after its handlers, and while they run', async () => {
    // given: the handler runs and the event waits
    const load = async () => {
      const driver = new Driver(await loadModel('rt-multiple-compensation.bpmn', 'mc-interrupt'));
      driver.start({ key: 'k-1' });
      driver.completeTask('work');
      expect(driver.activeElements()).toEqual({ sub: 1, undoThenEscalate: 1, undoWork: 1 });
      driver.reload();
      return driver;
    };
    const after = await load();
    // when the handler completes, the escalation is thrown and the boundary interrupts the subprocess
    after.completeTask('undoWork');
    // then the signal after the escalation is never thrown
    expect(thrown(after)).toEqual(['escalation.thrown:undoThenEscalate:{"escalationCode":"LATE"}']);
    expect(after.broadcasts).toEqual([]);
    expect(after.activeElements()).toEqual({ escalated: 1 });
    expect(after.state?.tokens.some((t) => t.multipleThrow !== undefined)).toBe(false);
    // when a signal boundary interrupts the subprocess while the handler runs instead
    const during = await load();
    during.signal('stop');
    // then the handler is cancelled and nothing after the compensation is thrown
    expect(during.activeElements()).toEqual({ halted: 1 });
    expect(thrown(during)).toEqual([]);
    expect(during.broadcasts).toEqual([]);
  });

  it('runs the job of a multiple throw event, then its handler, then its signal; the job variables are written when it completes', async () => {
    // given
    const driver = new Driver(await loadModel('rt-multiple-compensation.bpmn', 'mc-job'));
    driver.start({ key: 'k-1' });
    driver.completeTask('pick');
    expect(driver.openWork().jobs).toEqual(['service:notifyUndo']);
    // when the job completes
    driver.completeJob('notifyUndo', { sent: 1 });
    driver.reload();
    // then the handler runs and the variables wait with the event
    expect(driver.activeElements()).toEqual({ notifyUndo: 1, unpick: 1 });
    expect(driver.state?.tokens.find((t) => t.elementId === 'notifyUndo')?.multipleThrow).toEqual({
      next: 2,
      variables: { sent: 1 },
    });
    expect(driver.broadcasts).toEqual([]);
    // when the handler completes
    driver.completeTask('unpick');
    // then
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['done']);
    expect(driver.variables).toMatchObject({ sent: 1 });
    expect(driver.activeElements()).toEqual({ 'j-after': 1 });
  });

  it('retries a multiple throw event whose signal failed after its handlers from after the compensation, across a reload', async () => {
    // given: the channel is no string
    const driver = new Driver(await loadModel('rt-multiple-compensation.bpmn', 'mc-retry'));
    driver.start({ channel: 5 });
    driver.completeTask('hold');
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['news']);
    // when the handler completes, the signal named by the channel fails
    driver.completeTask('unhold');
    const incident = driver.incident('retryThrow');
    driver.reload();
    expect(driver.activeElements()).toEqual({ retryThrow: 1 });
    // when the channel is fixed and the incident retried
    driver.run({ type: 'variables.set', variables: { channel: 'ops' } });
    driver.run({ type: 'incident.retry', incidentId: incident.id });
    // then the signals after the compensation are thrown; the first is not thrown again, nor compensation run again
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['news', 'ops', 'done']);
    expect(driver.historyOf('compensation.started')).toHaveLength(1);
    expect(driver.activeElements()).toEqual({ 'r-after': 1 });
  });

  it('rejects a link or cancel definition and a job type without a message in a multiple throw or end event, naming each; accepts a compensation definition', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" />
  <bpmn:intermediateThrowEvent id="link"><bpmn:signalEventDefinition signalRef="a" /><bpmn:linkEventDefinition name="x" /></bpmn:intermediateThrowEvent>
  <bpmn:intermediateThrowEvent id="comp"><bpmn:signalEventDefinition signalRef="a" /><bpmn:compensateEventDefinition /></bpmn:intermediateThrowEvent>
  <bpmn:intermediateThrowEvent id="job"><bpmn:extensionElements><zeebe:taskDefinition type="t" /></bpmn:extensionElements><bpmn:signalEventDefinition signalRef="a" /><bpmn:escalationEventDefinition /></bpmn:intermediateThrowEvent>
  <bpmn:endEvent id="e"><bpmn:signalEventDefinition signalRef="a" /><bpmn:cancelEventDefinition /></bpmn:endEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="link" /><bpmn:sequenceFlow id="f2" sourceRef="link" targetRef="comp" />
  <bpmn:sequenceFlow id="f3" sourceRef="comp" targetRef="job" /><bpmn:sequenceFlow id="f4" sourceRef="job" targetRef="e" />
  <bpmn:intermediateCatchEvent id="catch"><bpmn:linkEventDefinition name="x" /></bpmn:intermediateCatchEvent><bpmn:endEvent id="e2" /><bpmn:sequenceFlow id="f5" sourceRef="catch" targetRef="e2" /></bpmn:process>
  <bpmn:signal id="a" name="a" />
</bpmn:definitions>`;
    const { issues } = await compileBpmn(xml);
    const unsupported = issues.filter((issue) => issue.code === 'element.unsupported');
    expect(unsupported.map((issue) => issue.elementId)).toEqual(['link', 'job', 'e']);
    expect(unsupported.map((issue) => issue.message)).toEqual([
      expect.stringContaining('BPMN allows link events only with a single definition'),
      expect.stringContaining('only for its message definitions'),
      expect.stringContaining('cannot throw a cancel definition'),
    ]);
    expect(issues.filter((issue) => issue.elementId === 'comp')).toEqual([]);
  });
});

describe('runtime: multiple event subprocess start events', () => {
  it('starts a non-interrupting event subprocess on any one of its definitions and keeps every one armed', async () => {
    // given
    const driver = await started('esp-any');
    expect(driver.openWork()).toEqual({
      subscriptions: ['message:poke:either', 'message:stop:timeout-or-stop', 'signal:nudge:either'],
      jobs: ['timer:timeout-or-stop'],
    });
    // when the signal comes
    driver.signal('nudge', { by: 'signal' });
    driver.reload();
    // then
    expect(driver.activeElements()).toEqual({ work: 1, watch: 1, look: 1 });
    expect(driver.openWork().subscriptions).toContain('message:poke:either');
    expect(driver.openWork().subscriptions).toContain('signal:nudge:either');
    // when the message comes too
    driver.correlate('poke', { by: 'message' }, 'k-1');
    // then it started again
    expect(driver.activeElements()).toEqual({ work: 1, watch: 2, look: 2 });
  });

  it('interrupts on the second definition of an interrupting multiple start and closes the first', async () => {
    // given
    const driver = await started('esp-any');
    // when the message (its second definition) comes before the timer
    driver.correlate('stop', { reason: 'asked' }, 'k-1');
    // then
    expect(driver.activeElements()).toEqual({ abort: 1, cleanup: 1 });
    expect(driver.variables).toMatchObject({ reason: 'asked' });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    expect(driver.tasks.size).toBe(1);
  });

  it('starts a parallel multiple event subprocess only when every definition happened, payloads merged, across a reload', async () => {
    // given
    const driver = await started('esp-all');
    // when one of the non-interrupting one's events happens
    driver.signal('nudge', { nudged: true });
    driver.reload();
    // then it waits, with the signal recorded on the scope
    expect(driver.activeElements()).toEqual({ 'p-work': 1 });
    expect(driver.state?.scopes[0]?.listeners).toContainEqual({
      elementId: 'both',
      definition: 0,
      fired: true,
      variables: { nudged: true },
    });
    // when the other one happens
    driver.correlate('poke', { poked: true }, 'k-1');
    // then it started with both payloads, and is armed again for both
    expect(driver.activeElements()).toEqual({ 'p-work': 1, 'both-watch': 1, 'p-look': 1 });
    expect(driver.variables).toMatchObject({ nudged: true, poked: true });
    expect(driver.openWork().subscriptions).toEqual([
      'message:poke:both',
      'message:stop:stop-all',
      'signal:nudge:both',
    ]);
  });

  it('interrupts on a parallel multiple start only after its message and its timer', async () => {
    // given
    const driver = await started('esp-all');
    // when
    driver.fireTimer('stop-all');
    // then
    expect(driver.activeElements()).toEqual({ 'p-work': 1 });
    // when
    driver.correlate('stop', {}, 'k-1');
    // then
    expect(driver.activeElements()).toEqual({ 'both-abort': 1, 'p-cleanup': 1 });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
  });

  it('rejects a multiple event subprocess start with an error definition, naming it', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" /><bpmn:endEvent id="e" /><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" />
  <bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es"><bpmn:signalEventDefinition signalRef="a" /><bpmn:errorEventDefinition /></bpmn:startEvent>
  <bpmn:endEvent id="ee" /><bpmn:sequenceFlow id="ef" sourceRef="es" targetRef="ee" /></bpmn:subProcess></bpmn:process>
  <bpmn:signal id="a" name="a" />
</bpmn:definitions>`;
    const { issues } = await compileBpmn(xml);
    expect(issues.map((issue) => `${issue.elementId} ${issue.code}`)).toEqual(['es element.unsupported']);
    expect(issues[0]?.message).toContain('a error definition cannot be one of them');
  });
});
