import { describe, expect, it } from 'vitest';
import { chain, compileValid, issueKeys, issuesOf, processFile } from './bpmn-text.js';

const listeners = (...items: string[]) =>
  `<bpmn:extensionElements><zeebe:executionListeners>${items.join('')}</zeebe:executionListeners></bpmn:extensionElements>`;
const listener = (eventType: string, type: string, extra = '') =>
  `<zeebe:executionListener eventType="${eventType}" type="${type}" ${extra}/>`;
const taskListeners = (...items: string[]) =>
  `<bpmn:extensionElements><zeebe:taskListeners>${items.join('')}</zeebe:taskListeners></bpmn:extensionElements>`;
const taskListener = (eventType: string, type: string) =>
  `<zeebe:taskListener eventType="${eventType}" type="${type}" />`;

describe('deploy rules of execution listeners', () => {
  it('reads start and end listeners of a task in model order, with FEEL types, retries and headers', async () => {
    // given
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:task id="t">${listeners(
        listener('start', 'a', 'retries="5"'),
        listener('end', '=kind + &quot;-b&quot;'),
        `<zeebe:executionListener eventType="start" type="c"><zeebe:taskHeaders><zeebe:header key="k" value="v" /></zeebe:taskHeaders></zeebe:executionListener>`,
      )}</bpmn:task>
      <bpmn:endEvent id="e" />${chain('s', 't', 'e')}`);
    // when
    const process = await compileValid(xml);
    // then
    expect(process.elements.t?.executionListeners).toEqual({
      start: [
        { type: { feel: false, value: 'a' }, retries: { feel: false, value: '5' } },
        { type: { feel: false, value: 'c' }, retries: { feel: false, value: '3' }, headers: { k: 'v' } },
      ],
      end: [{ type: { feel: true, source: 'kind + "-b"' }, retries: { feel: false, value: '3' } }],
    });
  });

  it('rejects start listeners on start and boundary events, naming the element', async () => {
    const xml = processFile(`<bpmn:startEvent id="s">${listeners(listener('start', 'a'))}</bpmn:startEvent>
      <bpmn:task id="t" /><bpmn:boundaryEvent id="b" attachedToRef="t">${listeners(listener('start', 'x'), listener('end', 'y'))}
        <bpmn:errorEventDefinition /></bpmn:boundaryEvent>
      <bpmn:endEvent id="e" /><bpmn:endEvent id="e2" />${chain('s', 't', 'e')}<bpmn:sequenceFlow id="b-e2" sourceRef="b" targetRef="e2" />`);
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      's listener.invalid',
      'b listener.invalid',
    ]);
    expect(issues[0]?.message).toMatch(/start event takes no start listeners/);
    expect(issues[1]?.message).toMatch(/boundary event takes no start listeners/);
  });

  it('rejects end listeners on gateways and error end events, and accepts start listeners there', async () => {
    const xml = processFile(
      `<bpmn:startEvent id="s" />
      <bpmn:exclusiveGateway id="g">${listeners(listener('start', 'ok'), listener('end', 'no'))}</bpmn:exclusiveGateway>
      <bpmn:endEvent id="e">${listeners(listener('start', 'ok'), listener('end', 'no'))}<bpmn:errorEventDefinition errorRef="err" /></bpmn:endEvent>
      ${chain('s', 'g', 'e')}`,
      '<bpmn:error id="err" errorCode="E1" />',
    );
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      'g listener.invalid',
      'e listener.invalid',
    ]);
    expect(issues[0]?.message).toMatch(/gateway takes no end listeners/);
    expect(issues[1]?.message).toMatch(/error end event takes no end listeners/);
  });

  it('rejects end listeners on a terminate end event, which ends its scope instead of completing, and accepts start listeners there', async () => {
    const xml = processFile(
      `<bpmn:startEvent id="s" />
      <bpmn:endEvent id="e">${listeners(listener('start', 'ok'), listener('end', 'no'))}<bpmn:terminateEventDefinition /></bpmn:endEvent>
      ${chain('s', 'e')}`,
    );
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual(['e listener.invalid']);
    expect(issues[0]?.message).toMatch(/terminate end event takes no end listeners/);
  });

  it('rejects a listener without a type, a duplicate (event, type), bad retries and an unknown event type', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:task id="t">${listeners(
        listener('start', ''),
        listener('end', 'twice'),
        listener('end', 'twice'),
        listener('start', 'r', 'retries="many"'),
        listener('take', 'x'),
      )}</bpmn:task><bpmn:endEvent id="e" />${chain('s', 't', 'e')}`);
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual(Array(4).fill('t listener.invalid'));
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/needs a job type/),
      expect.stringMatching(/two end execution listeners of type 'twice'/),
      expect.stringMatching(/retries 'many' is not a whole number/),
      expect.stringMatching(/event type 'take' is not one of start, end/),
    ]);
  });

  it('reports a FEEL syntax error in a listener type on its element', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:task id="t">${listeners(listener('start', '=a +'))}</bpmn:task><bpmn:endEvent id="e" />${chain('s', 't', 'e')}`);
    expect(await issueKeys(xml)).toEqual(['t feel.syntax']);
  });

  it('accepts start listeners on the events after an event-based gateway and on an event subprocess', async () => {
    const xml = processFile(
      `<bpmn:startEvent id="s" /><bpmn:eventBasedGateway id="g" />
      <bpmn:intermediateCatchEvent id="m">${listeners(listener('start', 'x'))}<bpmn:messageEventDefinition messageRef="msg" />
        </bpmn:intermediateCatchEvent>
      <bpmn:receiveTask id="r" messageRef="stop">${listeners(listener('start', 'w'))}</bpmn:receiveTask>
      <bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" /><bpmn:endEvent id="e3" />
      ${chain('s', 'g', 'm', 'e1')}<bpmn:sequenceFlow id="g-t" sourceRef="g" targetRef="t" /><bpmn:sequenceFlow id="t-e2" sourceRef="t" targetRef="e2" />
      <bpmn:sequenceFlow id="g-r" sourceRef="g" targetRef="r" /><bpmn:sequenceFlow id="r-e3" sourceRef="r" targetRef="e3" />
      <bpmn:subProcess id="esp" triggeredByEvent="true">${listeners(listener('start', 'y'), listener('end', 'z'))}
        <bpmn:startEvent id="es"><bpmn:signalEventDefinition signalRef="sig" /></bpmn:startEvent>
        <bpmn:endEvent id="ee" /><bpmn:sequenceFlow id="es-ee" sourceRef="es" targetRef="ee" />
      </bpmn:subProcess>`,
      `<bpmn:message id="msg" name="go"><bpmn:extensionElements><zeebe:subscription correlationKey="=key" /></bpmn:extensionElements></bpmn:message>
      <bpmn:message id="stop" name="stop-order"><bpmn:extensionElements><zeebe:subscription correlationKey="=key" /></bpmn:extensionElements></bpmn:message>
      <bpmn:signal id="sig" name="stop" />`,
    );
    const process = await compileValid(xml);
    expect(process.elements.m?.executionListeners?.start.map((l) => l.type)).toEqual([
      { feel: false, value: 'x' },
    ]);
    expect(process.elements.r?.executionListeners?.start.map((l) => l.type)).toEqual([
      { feel: false, value: 'w' },
    ]);
  });

  it('reads start and end listeners of the process in model order, and rejects listeners on a sequence flow', async () => {
    const xml =
      processFile(`${listeners(listener('start', 'p'), listener('end', 'q'))}<bpmn:startEvent id="s" /><bpmn:endEvent id="e" />
      <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e">${listeners(listener('start', 'x'))}</bpmn:sequenceFlow>`);
    expect(await issueKeys(xml)).toEqual(['f extension.unsupported']);
    const process = await compileValid(
      processFile(
        `${listeners(listener('start', 'p'), listener('end', 'q', 'retries="5"'), listener('end', '= &quot;r-&quot; + kind'))}<bpmn:startEvent id="s" /><bpmn:endEvent id="e" />${chain('s', 'e')}`,
      ),
    );
    expect(process.executionListeners?.start.map((l) => l.type)).toEqual([{ feel: false, value: 'p' }]);
    expect(process.executionListeners?.end.map((l) => [l.type, l.retries])).toEqual([
      [
        { feel: false, value: 'q' },
        { feel: false, value: '5' },
      ],
      [
        { feel: true, source: '"r-" + kind' },
        { feel: false, value: '3' },
      ],
    ]);
  });

  it('still rejects an end listener of the process without a job type, with bad retries, or twice of one type', async () => {
    const xml = processFile(
      `${listeners(listener('end', ''), listener('end', 'q', 'retries="many"'), listener('end', 'r'), listener('end', 'r'))}<bpmn:startEvent id="s" /><bpmn:endEvent id="e" />${chain('s', 'e')}`,
    );
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      'p listener.invalid',
      'p listener.invalid',
      'p listener.invalid',
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/needs a job type/),
      expect.stringMatching(/'many' is not a whole number/),
      expect.stringMatching(/two end execution listeners of type 'r'/),
    ]);
  });

  it('accepts start listeners on a process that a message starts at an instantiating receive task or after an instantiating event-based gateway', async () => {
    const atTask = await compileValid(
      processFile(
        `${listeners(listener('start', 'p'))}<bpmn:receiveTask id="r" messageRef="msg" instantiate="true" /><bpmn:endEvent id="e" />${chain('r', 'e')}`,
        `<bpmn:message id="msg" name="go" />`,
      ),
    );
    expect(atTask.executionListeners?.start.map((l) => l.type)).toEqual([{ feel: false, value: 'p' }]);
    expect(atTask.scopes[atTask.id]?.messageStartIds).toEqual(['r']);
    const afterGateway = await compileValid(
      processFile(
        `${listeners(listener('start', 'p'))}<bpmn:eventBasedGateway id="g" instantiate="true" />
        <bpmn:intermediateCatchEvent id="m">${listeners(listener('start', 'x'))}<bpmn:messageEventDefinition messageRef="msg" /></bpmn:intermediateCatchEvent>
        <bpmn:intermediateCatchEvent id="n"><bpmn:messageEventDefinition messageRef="msg2" /></bpmn:intermediateCatchEvent>
        <bpmn:endEvent id="e" /><bpmn:endEvent id="e2" />${chain('g', 'm', 'e')}${chain('g', 'n', 'e2')}`,
        `<bpmn:message id="msg" name="go" /><bpmn:message id="msg2" name="went" />`,
      ),
    );
    expect(afterGateway.executionListeners?.start.map((l) => l.type)).toEqual([{ feel: false, value: 'p' }]);
    expect(afterGateway.scopes[afterGateway.id]?.messageStartIds).toEqual(['m', 'n']);
    expect(afterGateway.elements.m?.executionListeners?.start.map((l) => l.type)).toEqual([
      { feel: false, value: 'x' },
    ]);
  });
});

describe('deploy rules of task listeners', () => {
  it('reads creating and completing listeners, taking 8.7 names as their 8.8 equivalents', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:userTask id="t">${taskListeners(
        taskListener('create', 'a'),
        taskListener('completing', 'b'),
        taskListener('complete', 'c'),
        taskListener('creating', 'd'),
      )}</bpmn:userTask><bpmn:endEvent id="e" />${chain('s', 't', 'e')}`);
    const process = await compileValid(xml);
    const spec =
      process.elements.t && 'userTask' in process.elements.t ? process.elements.t.userTask : undefined;
    expect(spec?.taskListeners?.creating?.map((l) => l.type)).toEqual([
      { feel: false, value: 'a' },
      { feel: false, value: 'd' },
    ]);
    expect(spec?.taskListeners?.completing?.map((l) => l.type)).toEqual([
      { feel: false, value: 'b' },
      { feel: false, value: 'c' },
    ]);
  });

  it('reads assigning listeners, taking the 8.7 name assignment as assigning, in model order', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:userTask id="t">${taskListeners(
        taskListener('assignment', 'a'),
        taskListener('assigning', 'b'),
      )}</bpmn:userTask><bpmn:endEvent id="e" />${chain('s', 't', 'e')}`);
    const process = await compileValid(xml);
    const spec =
      process.elements.t && 'userTask' in process.elements.t ? process.elements.t.userTask : undefined;
    expect(spec?.taskListeners?.assigning?.map((l) => l.type)).toEqual([
      { feel: false, value: 'a' },
      { feel: false, value: 'b' },
    ]);
  });

  it('reads updating listeners, taking the 8.7 name update as updating, in model order', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:userTask id="t">${taskListeners(
        taskListener('updating', 'a'),
        taskListener('update', 'b'),
      )}</bpmn:userTask><bpmn:endEvent id="e" />${chain('s', 't', 'e')}`);
    const process = await compileValid(xml);
    const spec =
      process.elements.t && 'userTask' in process.elements.t ? process.elements.t.userTask : undefined;
    expect(spec?.taskListeners?.updating?.map((l) => l.type)).toEqual([
      { feel: false, value: 'a' },
      { feel: false, value: 'b' },
    ]);
  });

  it('rejects the task listener events it does not run yet, and unknown ones, by element id', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:userTask id="t">${taskListeners(
        taskListener('cancel', 'a'),
        taskListener('canceling', 'c'),
        taskListener('whenever', 'd'),
      )}</bpmn:userTask><bpmn:endEvent id="e" />${chain('s', 't', 'e')}`);
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual(Array(3).fill('t listener.invalid'));
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^canceling task listeners are not supported yet/),
      expect.stringMatching(/^canceling task listeners/),
      expect.stringMatching(/'whenever' is not one of creating, assigning, updating, completing/),
    ]);
  });
});
