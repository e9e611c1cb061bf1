import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/model/index.js';
import { chain, compileValid, flow, formal, issueKeys, issuesOf, processFile } from './bpmn-text.js';

const START = '<bpmn:startEvent id="s" />';
const ENDS = '<bpmn:endEvent id="a" /><bpmn:endEvent id="b" />';
const cond = (feel: string) => formal('conditionExpression', feel);

describe('deploy rules of conditional and default flows', () => {
  it('accepts conditions and a default flow out of a task, and conditions out of an event', async () => {
    // given a task with a conditional, an unconditional and a default flow; a start event with a condition
    const xml = processFile(`${START}<bpmn:task id="t" default="t-d" />${ENDS}<bpmn:endEvent id="d" />
      ${flow('s', 't', '')}${flow('s', 'b', cond('=go'), 's-b')}
      ${flow('t', 'a', cond('=x > 1'))}${flow('t', 'b', '', 't-b2')}${flow('t', 'd', '', 't-d')}`);
    // when
    const process = await compileValid(xml);
    // then
    expect(process.flows['t-a']?.condition).toEqual({ feel: true, source: 'x > 1' });
    expect(process.elements.t).toMatchObject({ defaultFlowId: 't-d' });
  });

  it('rejects a condition on the default flow, which is taken when no condition holds', async () => {
    const xml = processFile(`${START}<bpmn:task id="t" default="t-b" />${ENDS}
      ${flow('s', 't')}${flow('t', 'a', cond('=x'))}${flow('t', 'b', cond('=y'))}`);
    expect(await issueKeys(xml)).toEqual(['t-b flow.default-invalid']);
  });

  it('rejects a default flow of a task that does not leave it', async () => {
    const xml = processFile(
      `${START}<bpmn:task id="t" default="s-t" /><bpmn:endEvent id="a" />${chain('s', 't', 'a')}`,
    );
    expect(await issueKeys(xml)).toEqual(['t flow.default-invalid']);
  });

  it('rejects conditions on flows out of an event-based gateway', async () => {
    const xml = processFile(
      `${START}<bpmn:eventBasedGateway id="g" />
      <bpmn:intermediateCatchEvent id="t1"><bpmn:timerEventDefinition>${formal('timeDuration', 'PT1M')}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="t2"><bpmn:timerEventDefinition>${formal('timeDuration', 'PT2M')}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      ${ENDS}${flow('s', 'g')}${flow('g', 't1', cond('=x'))}${flow('g', 't2')}${flow('t1', 'a')}${flow('t2', 'b')}`,
    );
    expect(await issueKeys(xml)).toEqual(['g-t1 flow.condition-unexpected']);
  });
});

describe('deploy rules of link events', () => {
  const linkThrow = (id: string, name: string) =>
    `<bpmn:intermediateThrowEvent id="${id}"><bpmn:linkEventDefinition id="${id}-def" name="${name}" /></bpmn:intermediateThrowEvent>`;
  const linkCatch = (id: string, name: string, extra = '') =>
    `<bpmn:intermediateCatchEvent id="${id}"><bpmn:linkEventDefinition id="${id}-def" name="${name}"${extra} /></bpmn:intermediateCatchEvent>`;

  it('rejects two catch events of one link name in one scope, naming the second', async () => {
    const xml = processFile(
      `${START}${linkThrow('go', 'x')}${linkCatch('land-1', 'x')}${linkCatch('land-2', 'x')}${ENDS}
      ${flow('s', 'go')}${flow('land-1', 'a')}${flow('land-2', 'b')}`,
    );
    const { issues } = await compileBpmn(xml);
    expect(issues).toEqual([
      expect.objectContaining({
        elementId: 'land-2',
        code: 'link.invalid',
        message: expect.stringContaining("'land-1'"),
      }),
    ]);
  });

  it('does not jump out of a subprocess to a catch event in the process', async () => {
    const xml = processFile(
      `${START}<bpmn:subProcess id="sub"><bpmn:startEvent id="ss" />${linkThrow('go', 'x')}${flow('ss', 'go')}</bpmn:subProcess>
      ${linkCatch('land', 'x')}${ENDS}${flow('s', 'sub')}${flow('sub', 'a')}${flow('land', 'b')}`,
    );
    expect(await issueKeys(xml)).toEqual(['go link.invalid']);
  });

  it('warns about a catch event no throw reaches, and about source and target references it ignores', async () => {
    const xml = processFile(
      `${START}${linkThrow('go', 'x')}${linkCatch('land', 'x', ' target="go-def"')}${linkCatch('lonely', 'y')}${ENDS}
      ${flow('s', 'go')}${flow('land', 'a')}${flow('lonely', 'b')}`,
    );
    const { issues, warnings } = await compileBpmn(xml);
    expect(issues).toEqual([]);
    expect(warnings.map((w) => `${w.elementId} ${w.code}`).sort()).toEqual([
      'land link.reference-ignored',
      'lonely link.unused',
    ]);
  });
});

describe('deploy rules of timer cycles', () => {
  const timer = (tag: string, value: string) =>
    `<bpmn:timerEventDefinition>${formal(tag, value)}</bpmn:timerEventDefinition>`;

  it('takes a cycle on an intermediate timer catch event, also after an event-based gateway (BPMN: the next occurrence; Zeebe refuses it)', async () => {
    // given a timer catch on the path and one after an event-based gateway, both with cycles
    const xml = processFile(
      `${START}<bpmn:intermediateCatchEvent id="wait">${timer('timeCycle', 'R3/PT1M')}</bpmn:intermediateCatchEvent>
      <bpmn:eventBasedGateway id="g" />
      <bpmn:intermediateCatchEvent id="t1">${timer('timeCycle', '0 9 * * MON')}</bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="t2">${timer('timeDuration', 'PT1H')}</bpmn:intermediateCatchEvent>
      ${ENDS}${chain('s', 'wait', 'g')}${flow('g', 't1')}${flow('g', 't2')}${flow('t1', 'a')}${flow('t2', 'b')}`,
    );
    // when
    const { issues, processes } = await compileBpmn(xml);
    // then both deploy, as cycles
    expect(issues).toEqual([]);
    const wait = processes[0]?.elements.wait as { event?: { timer?: { type: string } } };
    expect(wait.event?.timer?.type).toBe('cycle');
  });

  it('keeps cycles where they repeat: boundary events', async () => {
    const xml = processFile(
      `${START}<bpmn:userTask id="t" /><bpmn:boundaryEvent id="remind" attachedToRef="t" cancelActivity="false">${timer('timeCycle', 'R/PT1H')}</bpmn:boundaryEvent>
      ${ENDS}${chain('s', 't', 'a')}${flow('remind', 'b')}`,
    );
    expect(await issueKeys(xml)).toEqual([]);
  });
});

describe('deploy rules of complex gateways', () => {
  const activation = (feel: string) => formal('activationCondition', feel);
  const joining = (gateway: string) =>
    processFile(`${START}<bpmn:parallelGateway id="f" /><bpmn:task id="t1" /><bpmn:task id="t2" />${gateway}${ENDS}
      ${flow('s', 'f')}${flow('f', 't1')}${flow('f', 't2')}${flow('t1', 'g')}${flow('t2', 'g')}${flow('g', 'a', cond('=x'))}${flow('g', 'b', '', 'g-b')}`);

  it('reads the activation condition and the default flow', async () => {
    const process = await compileValid(
      joining(
        `<bpmn:complexGateway id="g" default="g-b">${activation('=activationCount >= 2')}</bpmn:complexGateway>`,
      ),
    );
    expect(process.elements.g).toMatchObject({
      kind: 'bpmn:ComplexGateway',
      defaultFlowId: 'g-b',
      activationCondition: { feel: true, source: 'activationCount >= 2' },
    });
  });

  it('wants an activation condition where it joins, and a condition on every flow but the default', async () => {
    expect(await issueKeys(joining('<bpmn:complexGateway id="g" />'))).toEqual([
      'g gateway.activation-missing',
      'g-b flow.condition-missing',
    ]);
  });

  it('reports an activation condition that is not FEEL', async () => {
    const keys = await issueKeys(
      joining(
        `<bpmn:complexGateway id="g" default="g-b">${activation('=activationCount >=')}</bpmn:complexGateway>`,
      ),
    );
    expect(keys).toEqual(['g feel.syntax']);
  });
});

describe('deploy rules of instantiating and parallel event-based gateways', () => {
  const MESSAGE =
    '<bpmn:message id="m" name="ping"><bpmn:extensionElements><zeebe:subscription correlationKey="=id" /></bpmn:extensionElements></bpmn:message>';
  const gatewayFile = (attributes: string) =>
    processFile(
      `${START}<bpmn:eventBasedGateway id="g" ${attributes} />
      <bpmn:intermediateCatchEvent id="c1"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="c2"><bpmn:timerEventDefinition>${formal('timeDuration', 'PT1M')}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      ${ENDS}${flow('s', 'g')}${flow('g', 'c1')}${flow('g', 'c2')}${flow('c1', 'a')}${flow('c2', 'b')}`,
      MESSAGE,
    );

  it('rejects a parallel event-based gateway, saying what to model instead', async () => {
    const { issues } = await compileBpmn(gatewayFile('eventGatewayType="Parallel"'));
    expect(issues).toEqual([
      expect.objectContaining({
        elementId: 'g',
        code: 'element.unsupported',
        message: expect.stringContaining('parallel gateway instead'),
      }),
    ]);
  });

  it('rejects an instantiating event-based gateway with an incoming flow, and a timer after it (only messages start)', async () => {
    expect(await issueKeys(gatewayFile('instantiate="true"'))).toEqual([
      'g flow.incoming-invalid',
      'c2 gateway.target-invalid',
    ]);
  });

  it('deploys an exclusive, non-instantiating one, written out or not', async () => {
    expect(await issueKeys(gatewayFile('instantiate="false" eventGatewayType="Exclusive"'))).toEqual([]);
  });
});

describe('deploy rules of multiple events', () => {
  const SIGNALS = '<bpmn:signal id="g1" name="one" /><bpmn:signal id="g2" name="two" />';
  const twoSignals =
    '<bpmn:signalEventDefinition signalRef="g1" /><bpmn:signalEventDefinition signalRef="g2" />';

  it('compiles every event of a multiple intermediate catch event', async () => {
    const xml = processFile(
      `${START}<bpmn:intermediateCatchEvent id="c">${twoSignals}<bpmn:timerEventDefinition>${formal('timeDuration', 'PT1M')}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="a" />${chain('s', 'c', 'a')}`,
      SIGNALS,
    );
    const process = await compileValid(xml);
    expect(process.elements.c).toMatchObject({
      event: { kind: 'signal' },
      multiple: [{ kind: 'signal' }, { kind: 'signal' }, { kind: 'timer' }],
    });
  });

  it('compiles a parallel multiple catch event, which needs every event', async () => {
    const xml = processFile(
      `${START}<bpmn:intermediateCatchEvent id="c" parallelMultiple="true">${twoSignals}</bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="a" />${chain('s', 'c', 'a')}`,
      SIGNALS,
    );
    const process = await compileValid(xml);
    expect(process.elements.c).toMatchObject({
      parallelMultiple: true,
      multiple: [{ kind: 'signal' }, { kind: 'signal' }],
    });
  });

  it('compiles a parallel multiple process start event, which needs every event to start', async () => {
    const xml = processFile(
      `<bpmn:startEvent id="s" parallelMultiple="true">${twoSignals}</bpmn:startEvent><bpmn:endEvent id="a" />${chain('s', 'a')}`,
      SIGNALS,
    );
    const process = await compileValid(xml);
    expect(process.elements.s).toMatchObject({
      parallelMultiple: true,
      multiple: [{ kind: 'signal' }, { kind: 'signal' }],
    });
  });

  it('takes a multiple start event (any one of its signals starts), and rejects a multiple boundary event that would catch an error', async () => {
    const xml = processFile(
      `<bpmn:startEvent id="s">${twoSignals}</bpmn:startEvent><bpmn:task id="t" />
      <bpmn:boundaryEvent id="bnd" attachedToRef="t"><bpmn:signalEventDefinition signalRef="g1" /><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
      ${ENDS}${chain('s', 't', 'a')}${flow('bnd', 'b')}`,
      SIGNALS,
    );
    expect(await issueKeys(xml)).toEqual(['bnd element.unsupported']);
  });

  it('compiles a conditional definition among the events of multiple and parallel multiple catch, boundary and event subprocess start events', async () => {
    const condition = (feel: string) =>
      `<bpmn:conditionalEventDefinition>${formal('condition', feel)}</bpmn:conditionalEventDefinition>`;
    const xml = processFile(
      `${START}<bpmn:intermediateCatchEvent id="c"><bpmn:signalEventDefinition signalRef="g1" />${condition('=ready')}</bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="cp" parallelMultiple="true">${condition('=ready')}<bpmn:timerEventDefinition>${formal('timeDuration', 'PT1M')}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:task id="t" /><bpmn:boundaryEvent id="bnd" attachedToRef="t" cancelActivity="false"><bpmn:signalEventDefinition signalRef="g2" />${condition('=urgent')}</bpmn:boundaryEvent>
      ${ENDS}${chain('s', 'c', 'cp', 't', 'a')}${flow('bnd', 'b')}
      <bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es" parallelMultiple="true"><bpmn:signalEventDefinition signalRef="g1" />${condition('=stop')}</bpmn:startEvent>
        <bpmn:endEvent id="ee" />${flow('es', 'ee')}</bpmn:subProcess>`,
      SIGNALS,
    );
    const process = await compileValid(xml);
    expect(process.elements.c).toMatchObject({ multiple: [{ kind: 'signal' }, { kind: 'conditional' }] });
    expect(process.elements.cp).toMatchObject({
      parallelMultiple: true,
      multiple: [{ kind: 'conditional' }, { kind: 'timer' }],
    });
    expect(process.elements.bnd).toMatchObject({ multiple: [{ kind: 'signal' }, { kind: 'conditional' }] });
    expect(process.elements.es).toMatchObject({
      parallelMultiple: true,
      multiple: [{ kind: 'signal' }, { kind: 'conditional' }],
    });
  });

  it('compiles a conditional definition in a multiple and a parallel multiple process start event, beside a signal and a message', async () => {
    const condition = `<bpmn:conditionalEventDefinition>${formal('condition', '=go')}</bpmn:conditionalEventDefinition>`;
    for (const parallel of [false, true]) {
      // given a start event waiting for a signal, a message and a condition
      const xml = processFile(
        `<bpmn:startEvent id="s"${parallel ? ' parallelMultiple="true"' : ''}><bpmn:signalEventDefinition signalRef="g1" /><bpmn:messageEventDefinition messageRef="m" />${condition}</bpmn:startEvent><bpmn:endEvent id="a" />${chain('s', 'a')}`,
        `${SIGNALS}<bpmn:message id="m" name="note" />`,
      );
      // when
      const process = await compileValid(xml);
      // then every definition is kept, the condition as FEEL
      expect(process.elements.s).toMatchObject({
        multiple: [
          { kind: 'signal' },
          { kind: 'message' },
          { kind: 'conditional', condition: { feel: true, source: 'go' } },
        ],
      });
      expect(process.elements.s && 'parallelMultiple' in process.elements.s).toBe(parallel);
    }
  });

  it('still rejects a condition beside keyed messages of a parallel multiple process start event, and a variable filter on a multiple start, naming each', async () => {
    // given a parallel multiple start whose message has a correlation key (gathered per key), and
    // a multiple start whose condition has a zeebe:conditionalFilter (a start is evaluated on request)
    const filtered = `<bpmn:conditionalEventDefinition><bpmn:extensionElements><zeebe:conditionalFilter variableNames="go" /></bpmn:extensionElements>${formal('condition', '=go')}</bpmn:conditionalEventDefinition>`;
    const xml = processFile(
      `<bpmn:startEvent id="s" parallelMultiple="true"><bpmn:messageEventDefinition messageRef="m" /><bpmn:conditionalEventDefinition>${formal('condition', '=go')}</bpmn:conditionalEventDefinition></bpmn:startEvent>
      <bpmn:startEvent id="s2"><bpmn:signalEventDefinition signalRef="g1" />${filtered}</bpmn:startEvent>
      ${ENDS}${chain('s', 'a')}${chain('s2', 'b')}`,
      `${SIGNALS}<bpmn:message id="m" name="note"><bpmn:extensionElements><zeebe:subscription correlationKey="=k" /></bpmn:extensionElements></bpmn:message>`,
    );
    // when
    const issues = await issuesOf(xml);
    // then
    expect(issues.map((issue) => `${issue.elementId} ${issue.code}`)).toEqual([
      's element.unsupported',
      's2 extension.unsupported',
    ]);
    expect(issues[0]?.message).toContain('a condition has no key');
    expect(issues[1]?.message).toMatch(/process start event/);
  });

  it('compiles multiple throw and end events with a job type, messages, an error and a terminate', async () => {
    const job = '<bpmn:extensionElements><zeebe:taskDefinition type="notify" /></bpmn:extensionElements>';
    const xml = processFile(
      `${START}<bpmn:intermediateThrowEvent id="t">${job}<bpmn:messageEventDefinition messageRef="m" />${twoSignals}</bpmn:intermediateThrowEvent>
      <bpmn:endEvent id="a">${job}<bpmn:signalEventDefinition signalRef="g1" /><bpmn:messageEventDefinition messageRef="m" /><bpmn:errorEventDefinition errorRef="err" /></bpmn:endEvent>
      <bpmn:endEvent id="b"><bpmn:signalEventDefinition signalRef="g2" /><bpmn:terminateEventDefinition /></bpmn:endEvent>
      ${chain('s', 't', 'a')}${flow('s', 'b')}`,
      `${SIGNALS}<bpmn:message id="m" name="note" /><bpmn:error id="err" errorCode="E" />`,
    );
    const process = await compileValid(xml);
    expect(process.elements.t).toMatchObject({
      jobType: { feel: false, value: 'notify' },
      multiple: [{ kind: 'message' }, { kind: 'signal' }, { kind: 'signal' }],
    });
    expect(process.elements.a).toMatchObject({
      multiple: [{ kind: 'signal' }, { kind: 'message' }, { kind: 'error', errorCode: 'E' }],
    });
    expect(process.elements.b).toMatchObject({ multiple: [{ kind: 'signal' }, { kind: 'terminate' }] });
  });

  it('rejects link and cancel definitions in multiple throw and end events, and an error in a throw event; accepts a compensation definition and checks its activityRef', async () => {
    const xml = processFile(
      `${START}<bpmn:intermediateThrowEvent id="t1"><bpmn:signalEventDefinition signalRef="g1" /><bpmn:compensateEventDefinition /></bpmn:intermediateThrowEvent>
      <bpmn:intermediateThrowEvent id="t2"><bpmn:signalEventDefinition signalRef="g1" /><bpmn:errorEventDefinition /></bpmn:intermediateThrowEvent>
      <bpmn:endEvent id="a"><bpmn:signalEventDefinition signalRef="g1" /><bpmn:cancelEventDefinition /></bpmn:endEvent>
      <bpmn:endEvent id="b"><bpmn:signalEventDefinition signalRef="g1" /><bpmn:linkEventDefinition name="x" /></bpmn:endEvent>
      <bpmn:endEvent id="c"><bpmn:signalEventDefinition signalRef="g1" /><bpmn:compensateEventDefinition activityRef="s" /></bpmn:endEvent>
      ${chain('s', 't1', 't2', 'a')}${flow('s', 'b')}${flow('s', 'c')}`,
      SIGNALS,
    );
    const issues = await issuesOf(xml);
    // t1 (a signal and a compensation) compiles; c's compensation names no activity of its scope
    expect(issues.map((issue) => `${issue.elementId} ${issue.code}`)).toEqual([
      't2 element.unsupported',
      't2 element.unsupported',
      'a element.unsupported',
      'b element.unsupported',
      'b element.unsupported',
      'c compensation.invalid',
    ]);
    expect(issues.find((issue) => issue.elementId === 'a')?.message).toContain('cancel end');
    expect(issues.findLast((issue) => issue.elementId === 'b')?.message).toContain(
      'only with a single definition',
    );
    expect(issues.at(-1)?.message).toContain("activityRef 's' names no activity");
  });

  it('compiles multiple and parallel multiple event subprocess starts, and rejects a multiple start of an embedded subprocess', async () => {
    const message =
      '<bpmn:message id="m" name="poke"><bpmn:extensionElements><zeebe:subscription correlationKey="=key" /></bpmn:extensionElements></bpmn:message>';
    const xml = processFile(
      `${START}<bpmn:endEvent id="a" />${flow('s', 'a')}
      <bpmn:subProcess id="esp1" triggeredByEvent="true"><bpmn:startEvent id="any" isInterrupting="false"><bpmn:messageEventDefinition messageRef="m" />${twoSignals}</bpmn:startEvent>
        <bpmn:endEvent id="e1" />${flow('any', 'e1')}</bpmn:subProcess>
      <bpmn:subProcess id="esp2" triggeredByEvent="true"><bpmn:startEvent id="all" parallelMultiple="true"><bpmn:timerEventDefinition>${formal('timeDuration', 'PT1M')}</bpmn:timerEventDefinition><bpmn:signalEventDefinition signalRef="g1" /></bpmn:startEvent>
        <bpmn:endEvent id="e2" />${flow('all', 'e2')}</bpmn:subProcess>`,
      `${SIGNALS}${message}`,
    );
    const process = await compileValid(xml);
    expect(process.elements.any).toMatchObject({
      interrupting: false,
      multiple: [{ kind: 'message' }, { kind: 'signal' }, { kind: 'signal' }],
    });
    expect(process.elements.all).toMatchObject({
      parallelMultiple: true,
      multiple: [{ kind: 'timer' }, { kind: 'signal' }],
    });
    const embedded = processFile(
      `${START}<bpmn:subProcess id="sub"><bpmn:startEvent id="ss">${twoSignals}</bpmn:startEvent><bpmn:endEvent id="se" />${flow('ss', 'se')}</bpmn:subProcess>
      <bpmn:endEvent id="a" />${chain('s', 'sub', 'a')}`,
      SIGNALS,
    );
    expect(await issueKeys(embedded)).toContain('ss element.unsupported');
  });
});
