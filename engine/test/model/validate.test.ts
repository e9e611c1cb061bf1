import { compileBpmn } from '../../src/model/index.js';
import { describe, expect, it } from 'vitest';
import { chain, flow, formal, issueKeys, issuesOf, processFile, readFixture } from './bpmn-text.js';

const START = '<bpmn:startEvent id="s" />';
const END = '<bpmn:endEvent id="e" />';
const MESSAGE_CATCH = '<bpmn:messageEventDefinition messageRef="m" />';
const MESSAGE =
  '<bpmn:message id="m" name="ping"><bpmn:extensionElements><zeebe:subscription correlationKey="=id" /></bpmn:extensionElements></bpmn:message>';

describe('deploy validation', () => {
  it('lists every problem of a file at once, each on its element', async () => {
    // given a file with six different mistakes
    const keys = await issueKeys(readFixture('invalid-many.bpmn'));
    // then each is reported on the element it concerns
    expect(keys.sort()).toEqual(
      [
        'bad-feel feel.syntax',
        'bad-timer timer.invalid',
        'brt decision.reference-invalid',
        'dangling reference.missing',
        'no-cond flow.condition-missing',
        'svc-no-type task.type-missing',
      ].sort(),
    );
  });

  describe('references', () => {
    it('reports a flow whose source does not exist', async () => {
      const xml = processFile(`${START}${END}${flow('ghost', 'e', '', 'f1')}${flow('s', 'e', '', 'f2')}`);
      expect(await issueKeys(xml)).toEqual(['f1 reference.missing']);
    });

    it('reports a boundary event attached to nothing that exists', async () => {
      const xml = processFile(`${START}${END}${flow('s', 'e')}
        <bpmn:boundaryEvent id="b" attachedToRef="ghost"><bpmn:timerEventDefinition>${formal('timeDuration', 'PT1M')}</bpmn:timerEventDefinition></bpmn:boundaryEvent>`);
      expect(await issueKeys(xml)).toEqual(['b reference.missing']);
    });

    it('reports a default flow that does not leave its gateway', async () => {
      const xml = processFile(
        `${START}<bpmn:exclusiveGateway id="g" default="s-g" />${END}${chain('s', 'g', 'e')}`,
      );
      expect(await issueKeys(xml)).toEqual(['g flow.default-invalid']);
    });

    it('reports message, signal and error references that do not exist', async () => {
      const xml = processFile(`${START}
        <bpmn:intermediateCatchEvent id="c1"><bpmn:messageEventDefinition messageRef="nope" /></bpmn:intermediateCatchEvent>
        <bpmn:intermediateCatchEvent id="c2"><bpmn:signalEventDefinition signalRef="nope" /></bpmn:intermediateCatchEvent>
        <bpmn:endEvent id="e"><bpmn:errorEventDefinition errorRef="nope" /></bpmn:endEvent>
        ${chain('s', 'c1', 'c2', 'e')}`);
      const keys = await issueKeys(xml);
      expect(keys).toEqual(['c1 reference.missing', 'c2 reference.missing', 'e reference.missing']);
    });

    it('reports a flow that crosses into a subprocess', async () => {
      const xml = processFile(`${START}
        <bpmn:subProcess id="sub"><bpmn:startEvent id="ss" /><bpmn:endEvent id="se" />${flow('ss', 'se')}</bpmn:subProcess>
        ${END}${chain('s', 'sub', 'e')}${flow('s', 'se', '', 'cross')}`);
      expect(await issueKeys(xml)).toEqual(['cross flow.scope-invalid']);
    });
  });

  describe('conditions', () => {
    it('wants a condition on every non-default flow out of a choosing gateway', async () => {
      const xml = processFile(`${START}<bpmn:inclusiveGateway id="g" default="g-a" />
        <bpmn:endEvent id="a" /><bpmn:endEvent id="b" /><bpmn:endEvent id="c" />
        ${flow('s', 'g')}${flow('g', 'a')}${flow('g', 'b')}${flow('g', 'c', formal('conditionExpression', '=x'))}`);
      expect(await issueKeys(xml)).toEqual(['g-b flow.condition-missing']);
    });

    it('accepts a single unconditional flow out of an exclusive gateway', async () => {
      const xml = processFile(`${START}<bpmn:exclusiveGateway id="g" />${END}${chain('s', 'g', 'e')}`);
      expect(await issueKeys(xml)).toEqual([]);
    });

    it('ignores conditions on flows out of a parallel gateway, with a warning on each flow', async () => {
      // given a parallel split whose flows carry conditions, as some modelers let authors draw
      const xml =
        processFile(`${START}<bpmn:parallelGateway id="g" /><bpmn:endEvent id="a" /><bpmn:endEvent id="b" />
        ${flow('s', 'g')}${flow('g', 'a', formal('conditionExpression', '=x'))}${flow('g', 'b', formal('conditionExpression', '=false'))}`);
      // when
      const { processes, issues, warnings } = await compileBpmn(xml);
      // then both flows are taken unconditionally
      expect(issues).toEqual([]);
      expect(warnings.map((w) => `${w.elementId} ${w.code} ${w.severity}`)).toEqual([
        'g-a flow.condition-ignored warning',
        'g-b flow.condition-ignored warning',
      ]);
      expect(processes[0]?.flows['g-a']).not.toHaveProperty('condition');
      expect(processes[0]?.flows['g-b']).not.toHaveProperty('condition');
    });
  });

  describe('timers', () => {
    const timerCatch = (definition: string) =>
      processFile(
        `${START}<bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition>${definition}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>${END}${chain('s', 't', 'e')}`,
      );

    it('reports a timer without a value', async () => {
      expect(await issueKeys(timerCatch(''))).toEqual(['t timer.invalid']);
    });

    it('reports an unparsable date with the reason', async () => {
      const issues = await issuesOf(timerCatch(formal('timeDate', 'next monday')));
      expect(issues).toEqual([
        expect.objectContaining({
          elementId: 't',
          code: 'timer.invalid',
          message: expect.stringContaining('next monday'),
        }),
      ]);
    });

    it('only syntax-checks a FEEL timer', async () => {
      expect(await issueKeys(timerCatch(formal('timeDuration', '=delay')))).toEqual([]);
      expect(await issueKeys(timerCatch(formal('timeDuration', '=duration(')))).toEqual(['t feel.syntax']);
    });

    it('takes a cycle on an intermediate timer, which waits for its next occurrence', async () => {
      expect(await issueKeys(timerCatch(formal('timeCycle', 'R3/PT1M')))).toEqual([]);
      expect(await issueKeys(timerCatch(formal('timeCycle', '0 9 * * MON')))).toEqual([]);
      expect(await issueKeys(timerCatch(formal('timeCycle', 'R/PT0.001S')))).toEqual(['t timer.invalid']);
    });

    it('reports an invalid cron on a timer start event', async () => {
      const xml = processFile(
        `<bpmn:startEvent id="s"><bpmn:timerEventDefinition>${formal('timeCycle', '0 25 * * *')}</bpmn:timerEventDefinition></bpmn:startEvent>${END}${chain('s', 'e')}`,
      );
      expect(await issueKeys(xml)).toEqual(['s timer.invalid']);
    });
  });

  describe('FEEL', () => {
    it('reports every expression that does not parse, on its element', async () => {
      const xml = processFile(
        `${START}
        <bpmn:userTask id="u"><bpmn:extensionElements>
          <zeebe:assignmentDefinition assignee="=user(" candidateGroups="=[" />
          <zeebe:ioMapping><zeebe:input source="=a +" target="x" /><zeebe:output source="=ok" target="y" /></zeebe:ioMapping>
        </bpmn:extensionElements></bpmn:userTask>
        <bpmn:scriptTask id="sc"><bpmn:extensionElements><zeebe:script expression="=1 +" resultVariable="r" /></bpmn:extensionElements></bpmn:scriptTask>
        <bpmn:task id="mi"><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>
          <zeebe:loopCharacteristics inputCollection="=items[" />
        </bpmn:extensionElements>${formal('completionCondition', '=done and')}</bpmn:multiInstanceLoopCharacteristics></bpmn:task>
        <bpmn:receiveTask id="r" messageRef="bad-key" />
        ${END}${chain('s', 'u', 'sc', 'mi', 'r', 'e')}`,
        '<bpmn:message id="bad-key" name="ping"><bpmn:extensionElements><zeebe:subscription correlationKey="=order." /></bpmn:extensionElements></bpmn:message>',
      );
      const issues = await issuesOf(xml);
      expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
        'u feel.syntax',
        'u feel.syntax',
        'u feel.syntax',
        'sc feel.syntax',
        'mi feel.syntax',
        'mi feel.syntax',
        'r feel.syntax',
      ]);
      expect(issues[0]?.message).toMatch(/^input mapping to 'x'/);
      expect(issues.map((i) => i.message).join('\n')).toMatch(/correlation key/);
    });
  });

  describe('unsupported elements', () => {
    it('rejects each element kind the engine does not run, by id', async () => {
      const xml = processFile(`${START}
        <bpmn:endEvent id="cond"><bpmn:conditionalEventDefinition>${formal('condition', '=x')}</bpmn:conditionalEventDefinition></bpmn:endEvent>
        ${chain('s', 'cond')}`);
      expect(await issueKeys(xml)).toEqual(['cond element.unsupported']);
    });

    it('rejects instantiating receive tasks and event-based gateways with incoming flows', async () => {
      const xml = processFile(
        `${START}
        <bpmn:receiveTask id="r" instantiate="true" messageRef="m" />
        <bpmn:eventBasedGateway id="g" instantiate="true" />
        <bpmn:intermediateCatchEvent id="c1">${MESSAGE_CATCH}</bpmn:intermediateCatchEvent>
        <bpmn:intermediateCatchEvent id="c2">${MESSAGE_CATCH}</bpmn:intermediateCatchEvent>
        ${END}${chain('s', 'r', 'g', 'c1', 'e')}${flow('g', 'c2')}${flow('c2', 'e')}`,
        MESSAGE,
      );
      expect(await issueKeys(xml)).toEqual(['r flow.incoming-invalid', 'g flow.incoming-invalid']);
    });

    it('rejects a link definition among the several event definitions of a throw event', async () => {
      const xml = processFile(
        `${START}<bpmn:intermediateThrowEvent id="c"><bpmn:signalEventDefinition signalRef="g1" /><bpmn:linkEventDefinition name="x" /></bpmn:intermediateThrowEvent>
        ${END}${chain('s', 'c', 'e')}`,
        '<bpmn:signal id="g1" name="one" /><bpmn:signal id="g2" name="two" />',
      );
      expect(await issueKeys(xml)).toEqual(['c element.unsupported']);
    });

    it('rejects an event definition where the engine does not run it', async () => {
      const xml = processFile(`<bpmn:startEvent id="s"><bpmn:errorEventDefinition /></bpmn:startEvent>
        <bpmn:intermediateThrowEvent id="t"><bpmn:terminateEventDefinition /></bpmn:intermediateThrowEvent>${END}${chain('s', 't', 'e')}`);
      expect(await issueKeys(xml)).toEqual(['s element.unsupported', 't element.unsupported']);
    });
  });

  describe('tasks', () => {
    it('wants a job type on service and send tasks', async () => {
      const xml = processFile(
        `${START}<bpmn:serviceTask id="a" /><bpmn:sendTask id="b"><bpmn:extensionElements><zeebe:taskDefinition type=" " /></bpmn:extensionElements></bpmn:sendTask>${END}${chain('s', 'a', 'b', 'e')}`,
      );
      expect(await issueKeys(xml)).toEqual(['a task.type-missing', 'b task.type-missing']);
    });

    it('wants a FEEL script or a job type on a script task, not both', async () => {
      const both = `<bpmn:scriptTask id="b"><bpmn:extensionElements><zeebe:script expression="=1" resultVariable="r" /><zeebe:taskDefinition type="runner" /></bpmn:extensionElements></bpmn:scriptTask>`;
      const xml = processFile(`${START}<bpmn:scriptTask id="a" />${both}${END}${chain('s', 'a', 'b', 'e')}`);
      expect(await issueKeys(xml)).toEqual(['a script.missing', 'b script.missing']);
    });

    it('takes a script task with a job type as a job for a worker, as Zeebe does', async () => {
      const worker = `<bpmn:scriptTask id="a"><bpmn:extensionElements><zeebe:taskDefinition type="runner" retries="5" /></bpmn:extensionElements></bpmn:scriptTask>`;
      const { processes, issues } = await compileBpmn(
        processFile(`${START}${worker}${END}${chain('s', 'a', 'e')}`),
      );
      expect(issues).toEqual([]);
      const element = processes[0]?.elements.a;
      expect(element).toMatchObject({ kind: 'bpmn:ScriptTask', jobRetries: 5 });
      expect(element).not.toHaveProperty('script');
    });

    it('wants the called process id on a call activity', async () => {
      const xml = processFile(`${START}<bpmn:callActivity id="a" />${END}${chain('s', 'a', 'e')}`);
      expect(await issueKeys(xml)).toEqual(['a call.process-missing']);
    });

    it('wants an input collection on multi-instance', async () => {
      const xml = processFile(
        `${START}<bpmn:task id="a"><bpmn:multiInstanceLoopCharacteristics /></bpmn:task>${END}${chain('s', 'a', 'e')}`,
      );
      expect(await issueKeys(xml)).toEqual(['a loop.invalid']);
    });
  });

  describe('messages', () => {
    it('wants a name on every message an event waits for', async () => {
      const xml = processFile(
        `${START}<bpmn:intermediateCatchEvent id="c"><bpmn:messageEventDefinition messageRef="unnamed" /></bpmn:intermediateCatchEvent>${END}${chain('s', 'c', 'e')}`,
        '<bpmn:message id="unnamed"><bpmn:extensionElements><zeebe:subscription correlationKey="=id" /></bpmn:extensionElements></bpmn:message>',
      );
      expect(await issueKeys(xml)).toEqual(['c message.name-missing']);
    });

    it('wants a correlation key wherever a message must find a running instance', async () => {
      const xml = processFile(
        `<bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="nokey" /></bpmn:startEvent>
        <bpmn:receiveTask id="r" messageRef="nokey" />
        <bpmn:boundaryEvent id="b" attachedToRef="r"><bpmn:messageEventDefinition messageRef="nokey" /></bpmn:boundaryEvent>
        <bpmn:intermediateCatchEvent id="c"><bpmn:messageEventDefinition messageRef="nokey" /></bpmn:intermediateCatchEvent>
        ${END}${chain('s', 'r', 'c', 'e')}`,
        '<bpmn:message id="nokey" name="ping" />',
      );
      // the message start event creates an instance, so it needs no key
      expect(await issueKeys(xml)).toEqual([
        'r message.correlation-missing',
        'b message.correlation-missing',
        'c message.correlation-missing',
      ]);
    });
  });

  describe('scopes', () => {
    it('wants exactly one none start event in an embedded subprocess', async () => {
      const xml = processFile(`${START}
        <bpmn:subProcess id="empty"><bpmn:task id="t1" /></bpmn:subProcess>
        <bpmn:subProcess id="two"><bpmn:startEvent id="a" /><bpmn:startEvent id="b" /><bpmn:endEvent id="x" />${flow('a', 'x')}${flow('b', 'x')}</bpmn:subProcess>
        ${END}${chain('s', 'empty', 'two', 'e')}`);
      expect(await issueKeys(xml)).toEqual([
        't1 flow.incoming-missing',
        'empty scope.start-invalid',
        'two scope.start-invalid',
      ]);
    });

    it('wants an event subprocess to start on a message, timer, signal, error or escalation', async () => {
      const xml = processFile(`${START}${END}${chain('s', 'e')}
        <bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es" /><bpmn:endEvent id="ee" />${flow('es', 'ee')}</bpmn:subProcess>`);
      expect(await issueKeys(xml)).toEqual(['es event-subprocess.start-invalid']);
    });

    it('wants a start event in a process', async () => {
      const xml = processFile('<bpmn:task id="t" />');
      expect(await issueKeys(xml)).toEqual(['t flow.incoming-missing', 'p scope.start-invalid']);
    });
  });

  describe('flows', () => {
    it('reports an element that no flow reaches', async () => {
      const xml = processFile(
        `${START}<bpmn:task id="orphan" />${END}${chain('s', 'e')}${flow('orphan', 'e')}`,
      );
      expect(await issueKeys(xml)).toEqual(['orphan flow.incoming-missing']);
    });

    it('reports flows into a start event and out of an end event', async () => {
      const xml = processFile(
        `${START}<bpmn:task id="t" />${END}${chain('s', 't', 'e')}${flow('t', 's', '', 'back')}${flow('e', 't', '', 'onward')}`,
      );
      expect(await issueKeys(xml)).toEqual(['s flow.incoming-invalid', 'e flow.outgoing-invalid']);
    });
  });

  describe('gateways and boundaries', () => {
    it('wants catch events or receive tasks after an event-based gateway', async () => {
      const xml = processFile(
        `${START}<bpmn:eventBasedGateway id="g" />
        <bpmn:intermediateCatchEvent id="c"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
        <bpmn:task id="t" />${END}${flow('s', 'g')}${flow('g', 'c')}${flow('g', 't')}${flow('c', 'e')}${flow('t', 'e')}`,
        MESSAGE,
      );
      expect(await issuesOf(xml)).toEqual([
        expect.objectContaining({
          elementId: 'g',
          code: 'gateway.target-invalid',
          message: expect.stringContaining("'t'"),
        }),
      ]);
    });

    it('puts boundary events only on activities', async () => {
      const xml = processFile(`${START}<bpmn:exclusiveGateway id="g" />${END}${chain('s', 'g', 'e')}
        <bpmn:boundaryEvent id="b" attachedToRef="g"><bpmn:timerEventDefinition>${formal('timeDuration', 'PT1M')}</bpmn:timerEventDefinition></bpmn:boundaryEvent>`);
      expect(await issueKeys(xml)).toEqual(['b boundary.host-invalid']);
    });

    it('keeps error start events of event subprocesses interrupting', async () => {
      const xml = processFile(`${START}${END}${chain('s', 'e')}
        <bpmn:subProcess id="esp" triggeredByEvent="true">
          <bpmn:startEvent id="es" isInterrupting="false"><bpmn:errorEventDefinition /></bpmn:startEvent>
          <bpmn:endEvent id="ee" />${flow('es', 'ee')}
        </bpmn:subProcess>`);
      expect(await issueKeys(xml)).toEqual(['es event.invalid']);
    });

    it('keeps error boundary events interrupting', async () => {
      const xml = processFile(`${START}<bpmn:task id="t" />${END}${chain('s', 't', 'e')}
        <bpmn:boundaryEvent id="b" attachedToRef="t" cancelActivity="false"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>`);
      expect(await issueKeys(xml)).toEqual(['b event.invalid']);
    });
  });

  describe('links', () => {
    it('wants a catch event for every link thrown in the same scope', async () => {
      const xml = processFile(
        `${START}<bpmn:intermediateThrowEvent id="go"><bpmn:linkEventDefinition name="there" /></bpmn:intermediateThrowEvent>${chain('s', 'go')}`,
      );
      expect(await issueKeys(xml)).toEqual(['go link.invalid']);
    });
  });
});
