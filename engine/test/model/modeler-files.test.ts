import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/model/index.js';
import type { ActivityElement, EventElement } from '../../src/model/index.js';
import { chain, compileValid, definitions, flow, issueKeys, issuesOf, processFile } from './bpmn-text.js';

/**
 * Files as Camunda Modeler and older tools write them: forms the Zeebe way, job-backed message
 * events, referenced event definitions, type references, legacy encodings.
 */

const START = '<bpmn:startEvent id="s" />';
const END = '<bpmn:endEvent id="e" />';
const ext = (content: string) => `<bpmn:extensionElements>${content}</bpmn:extensionElements>`;

describe('message throw and end events run as jobs', () => {
  it('accepts an intermediate message throw event with a job type and no message', async () => {
    // given
    const xml = processFile(`${START}
      <bpmn:intermediateThrowEvent id="notify">${ext('<zeebe:taskDefinition type="send-mail" retries="5" />')}
        <bpmn:messageEventDefinition />
      </bpmn:intermediateThrowEvent>${END}${chain('s', 'notify', 'e')}`);
    // when
    const model = await compileValid(xml);
    // then
    expect(model.elements.notify).toMatchObject({
      event: { kind: 'message' },
      jobType: { feel: false, value: 'send-mail' },
      jobRetries: 5,
    });
  });

  it('accepts a message end event with a job type and no message', async () => {
    const xml = processFile(`${START}
      <bpmn:endEvent id="e">${ext('<zeebe:taskDefinition type="=channel" />')}<bpmn:messageEventDefinition /></bpmn:endEvent>
      ${flow('s', 'e')}`);
    const model = await compileValid(xml);
    expect((model.elements.e as EventElement).jobType).toEqual({ feel: true, source: 'channel' });
  });

  it('still wants a named message on a message throw event without a job type', async () => {
    const xml = processFile(`${START}
      <bpmn:intermediateThrowEvent id="notify"><bpmn:messageEventDefinition /></bpmn:intermediateThrowEvent>
      ${END}${chain('s', 'notify', 'e')}`);
    expect(await issueKeys(xml)).toEqual(['notify message.name-missing']);
  });
  it('warns that a message throw or end event without a job type sends nothing, multiple ones too, and not one with a job type', async () => {
    // given a named message on a throw and an end event, and one throw run by a worker
    const xml = processFile(
      `${START}
      <bpmn:intermediateThrowEvent id="notify"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateThrowEvent>
      <bpmn:intermediateThrowEvent id="sent">${ext('<zeebe:taskDefinition type="send-mail" />')}<bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateThrowEvent>
      <bpmn:intermediateThrowEvent id="both"><bpmn:messageEventDefinition messageRef="m" /><bpmn:signalEventDefinition signalRef="sg" /></bpmn:intermediateThrowEvent>
      <bpmn:endEvent id="e"><bpmn:messageEventDefinition messageRef="m" /></bpmn:endEvent>
      ${chain('s', 'notify', 'sent', 'both', 'e')}`,
      '<bpmn:message id="m" name="order-placed" /><bpmn:signal id="sg" name="placed" />',
    );
    // when
    const { issues, warnings } = await compileBpmn(xml);
    // then: it deploys, and each event that would silently send nothing is named
    expect(issues).toEqual([]);
    expect(warnings.filter((w) => w.code === 'message.not-sent').map((w) => w.elementId)).toEqual([
      'notify',
      'both',
      'e',
    ]);
  });
});

describe('input mappings', () => {
  it('reads an input without a source as null, a local variable of the activity', async () => {
    // given
    const xml = processFile(`${START}
      <bpmn:task id="t">${ext('<zeebe:ioMapping><zeebe:input target="draft" /></zeebe:ioMapping>')}</bpmn:task>
      ${END}${chain('s', 't', 'e')}`);
    // when
    const model = await compileValid(xml);
    // then
    expect(model.elements.t?.ioMapping?.inputs).toEqual([
      { source: { feel: true, source: 'null' }, target: 'draft' },
    ]);
  });

  it('still wants a source on an output', async () => {
    const xml = processFile(`${START}
      <bpmn:task id="t">${ext('<zeebe:ioMapping><zeebe:output target="result" /></zeebe:ioMapping>')}</bpmn:task>
      ${END}${chain('s', 't', 'e')}`);
    expect(await issueKeys(xml)).toEqual(['t io-mapping.invalid']);
  });
});

describe('declared encodings', () => {
  const withEncoding = (encoding: string, name: string) =>
    processFile(`${START}<bpmn:task id="t" name="${name}" />${END}${chain('s', 't', 'e')}`).replace(
      'encoding="UTF-8"',
      `encoding="${encoding}"`,
    );

  it('parses a file that declares windows-1252 when its text is plain ASCII', async () => {
    const model = await compileValid(withEncoding('windows-1252', 'Check order'));
    expect(model.elements.t?.name).toBe('Check order');
  });

  it('parses ISO-8859-1 declared in single quotes too', async () => {
    const xml = withEncoding('ISO-8859-1', 'Ship').replace(/encoding="ISO-8859-1"/, "encoding='ISO-8859-1'");
    expect((await compileValid(xml)).elements.t?.name).toBe('Ship');
  });

  it('refuses a non-Unicode declared encoding when the text has characters beyond ASCII', async () => {
    // given a name that the declared single-byte encoding may have decoded wrongly
    const issues = await issuesOf(withEncoding('windows-1252', 'Prüfen'));
    // then one clear problem, not a parser error
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'xml.malformed',
        message: expect.stringMatching(/encoding="windows-1252".*UTF-8/),
      }),
    ]);
  });

  it('parses UTF-16 and UTF-8 declarations with any text', async () => {
    expect((await compileValid(withEncoding('utf-8', 'Prüfen'))).elements.t?.name).toBe('Prüfen');
    expect((await compileValid(withEncoding('UTF-16', 'Prüfen'))).elements.t?.name).toBe('Prüfen');
  });
});

describe('user task forms', () => {
  const userTask = (form: string) =>
    processFile(`${START}<bpmn:userTask id="t">${ext(form)}</bpmn:userTask>${END}${chain('s', 't', 'e')}`);

  it('keeps an external form reference as task metadata', async () => {
    const model = await compileValid(
      userTask('<zeebe:formDefinition externalReference="https://forms.example/approve" />'),
    );
    expect((model.elements.t as ActivityElement).userTask).toEqual({
      externalReference: { feel: false, value: 'https://forms.example/approve' },
    });
    expect(model.formIds).toEqual([]);
  });

  it('keeps an external form reference given as an expression', async () => {
    const model = await compileValid(userTask('<zeebe:formDefinition externalReference="=formUrl" />'));
    expect((model.elements.t as ActivityElement).userTask?.externalReference).toEqual({
      feel: true,
      source: 'formUrl',
    });
  });

  it('converts an embedded Camunda Form and links the task to the converted form', async () => {
    // given the form embedded in the process and linked from the task by formKey
    const xml = definitions(`<bpmn:process id="p" isExecutable="true">
      ${ext('<zeebe:userTaskForm id="form1">{"components":[{"type":"textfield","key":"name"}]}</zeebe:userTaskForm>')}
      ${START}<bpmn:userTask id="t">${ext('<zeebe:formDefinition formKey="camunda-forms:bpmn:form1" />')}</bpmn:userTask>
      ${flow('s', 't')}</bpmn:process>`);
    // when
    const model = await compileValid(xml);
    // then the task shows the converted form, saved under an id derived from its content
    const formId = (model.elements.t as ActivityElement).userTask?.formId;
    expect(formId).toMatch(/^camunda-form-[0-9a-f]{32}$/);
    expect(model.formIds).toEqual([formId]);
    expect(model.embeddedForms?.map((f) => [f.formId, f.key, f.elementIds])).toEqual([
      [formId, 'form1', ['t']],
    ]);
  });

  it('rejects an external form reference on a start event, which links forms by id', async () => {
    const xml = processFile(
      `<bpmn:startEvent id="s">${ext('<zeebe:formDefinition externalReference="https://x" />')}</bpmn:startEvent>${END}${flow('s', 'e')}`,
    );
    expect(await issueKeys(xml)).toEqual(['s extension.unsupported']);
  });
});

describe('referenced event definitions', () => {
  it('reads an error end event whose definition is referenced, like an inline one', async () => {
    // given
    const xml = processFile(
      `${START}<bpmn:endEvent id="e" eventDefinitionRef="failed" />${flow('s', 'e')}`,
      `<bpmn:error id="err" errorCode="REJECTED" />
       <bpmn:errorEventDefinition id="failed" errorRef="err" />`,
    );
    // when
    const model = await compileValid(xml);
    // then
    expect((model.elements.e as EventElement).event).toEqual({ kind: 'error', errorCode: 'REJECTED' });
  });

  it('reads a referenced timer on a catch event', async () => {
    const xml = processFile(
      `${START}<bpmn:intermediateCatchEvent id="wait" eventDefinitionRef="hour" />${END}${chain('s', 'wait', 'e')}`,
      '<bpmn:timerEventDefinition id="hour"><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>',
    );
    const model = await compileValid(xml);
    expect((model.elements.wait as EventElement).event).toEqual({
      kind: 'timer',
      timer: { type: 'duration', expr: { feel: false, value: 'PT1H' } },
    });
  });

  it('judges a referenced definition where it is used, like an inline one', async () => {
    // given a terminate definition referenced from a start event, where it has no meaning
    const xml = processFile(
      `<bpmn:startEvent id="s" eventDefinitionRef="stop" />${END}${flow('s', 'e')}`,
      '<bpmn:terminateEventDefinition id="stop" />',
    );
    expect(await issueKeys(xml)).toEqual(['s element.unsupported']);
  });
});

describe('multi-instance and loop attributes', () => {
  const multiInstance = (attributes: string, inner = '') =>
    processFile(`${START}<bpmn:task id="a"><bpmn:multiInstanceLoopCharacteristics ${attributes}>
      ${ext('<zeebe:loopCharacteristics inputCollection="=items" />')}${inner}
      </bpmn:multiInstanceLoopCharacteristics></bpmn:task>${END}${chain('s', 'a', 'e')}`);

  it('accepts the default behavior, written or not', async () => {
    expect(await issueKeys(multiInstance(''))).toEqual([]);
    expect(await issueKeys(multiInstance('behavior="All"'))).toEqual([]);
  });

  it.each(['None', 'One', 'Complex'])(
    'rejects behavior %s, which throws events per iteration',
    async (behavior) => {
      const issues = await issuesOf(multiInstance(`behavior="${behavior}"`));
      expect(issues).toEqual([
        expect.objectContaining({
          elementId: 'a',
          code: 'loop.invalid',
          message: expect.stringContaining(behavior),
        }),
      ]);
    },
  );

  it('rejects a loop cardinality, since iterations follow the input collection', async () => {
    const xml = multiInstance(
      '',
      '<bpmn:loopCardinality xsi:type="bpmn:tFormalExpression">3</bpmn:loopCardinality>',
    );
    expect(await issueKeys(xml)).toEqual(['a loop.invalid']);
  });

  const standardLoop = (maximum: string) =>
    processFile(`${START}<bpmn:task id="a"><bpmn:standardLoopCharacteristics loopMaximum="${maximum}" /></bpmn:task>
      ${END}${chain('s', 'a', 'e')}`);

  it('accepts a positive loop maximum', async () => {
    expect(await issueKeys(standardLoop('3'))).toEqual([]);
  });

  it.each(['0', '-2', 'many'])('rejects a loop maximum of %s', async (maximum) => {
    expect(await issueKeys(standardLoop(maximum))).toEqual(['a loop.invalid']);
  });

  it.each([
    ['startQuantity', '0'],
    ['completionQuantity', '0'],
    ['startQuantity', '2'],
  ])('rejects %s %s, since an activity starts on one token and sends one on', async (key, value) => {
    const xml = processFile(`${START}<bpmn:task id="a" ${key}="${value}" />${END}${chain('s', 'a', 'e')}`);
    const issues = await issuesOf(xml);
    expect(issues).toEqual([
      expect.objectContaining({
        elementId: 'a',
        code: 'element.unsupported',
        message: expect.stringContaining(key),
      }),
    ]);
  });

  it('accepts quantities of 1, the BPMN default', async () => {
    const xml = processFile(
      `${START}<bpmn:task id="a" startQuantity="1" completionQuantity="1" />${END}${chain('s', 'a', 'e')}`,
    );
    expect(await issueKeys(xml)).toEqual([]);
  });
});

describe('type references', () => {
  it('deploys a signal whose structureRef names no item definition, with a warning', async () => {
    // given a signal typed as "String", as some modelers write it
    const xml = processFile(
      `${START}<bpmn:intermediateThrowEvent id="t"><bpmn:signalEventDefinition signalRef="sig" /></bpmn:intermediateThrowEvent>
      ${END}${chain('s', 't', 'e')}`,
      '<bpmn:signal id="sig" name="done" structureRef="String" />',
    );
    // when
    const { processes, issues, warnings } = await compileBpmn(xml);
    // then
    expect(issues).toEqual([]);
    expect(processes[0]?.elements.t).toMatchObject({
      event: {
        kind: 'signal',
        signalName: { feel: false, value: 'done' },
      },
    });
    expect(warnings).toEqual([
      expect.objectContaining({
        elementId: 'sig',
        code: 'reference.type-unresolved',
        severity: 'warning',
        message: expect.stringContaining("'String'"),
      }),
    ]);
  });

  it('still rejects a signal reference that resolves to nothing', async () => {
    const xml = processFile(
      `${START}<bpmn:intermediateThrowEvent id="t"><bpmn:signalEventDefinition signalRef="missing" /></bpmn:intermediateThrowEvent>
      ${END}${chain('s', 't', 'e')}`,
    );
    expect(await issueKeys(xml)).toEqual(['t reference.missing']);
  });
});
