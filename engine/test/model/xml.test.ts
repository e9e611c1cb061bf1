import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/model/index.js';
import { chain, definitions, issueKeys, issuesOf, processFile } from './bpmn-text.js';

describe('XML problems', () => {
  it('reports malformed XML with its line and column', async () => {
    // given a task that is never closed on line 4
    const xml = definitions('<bpmn:process id="p" isExecutable="true">\n<bpmn:task id="a">\n</bpmn:process>');
    // when
    const { processes, issues } = await compileBpmn(xml);
    // then
    expect(processes).toEqual([]);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'xml.malformed',
        line: 5,
        column: 1,
        message: expect.stringContaining('closing tag mismatch'),
      }),
    ]);
  });

  it('reports text that is not XML at all', async () => {
    const issues = await issuesOf('this is not bpmn');
    expect(issues).toEqual([expect.objectContaining({ code: 'xml.malformed' })]);
    expect(issues[0]?.elementId).toBeUndefined();
  });

  it('reports XML whose root is not bpmn:definitions', async () => {
    expect((await issuesOf('<foo/>')).map((i) => i.code)).toContain('xml.invalid');
  });

  it('reports an element it does not know, by its id and position', async () => {
    const xml = processFile('<bpmn:startEvent id="s" />\n<bpmn:fancyTask id="fancy" />');
    expect(await issuesOf(xml)).toContainEqual(
      expect.objectContaining({ elementId: 'fancy', code: 'element.unsupported', line: 5, column: 1 }),
    );
  });

  it('reports an id used twice', async () => {
    const xml = processFile('<bpmn:startEvent id="s" />\n<bpmn:endEvent id="s" />');
    expect(await issueKeys(xml)).toContain('s id.duplicate');
  });

  it('reports a file without an executable process', async () => {
    const xml = definitions(
      '<bpmn:process id="p" isExecutable="false"><bpmn:startEvent id="s" /></bpmn:process>',
    );
    expect(await issueKeys(xml)).toEqual(['- process.none-executable']);
  });

  it('rejects Zeebe extensions it does not run, warns about job priorities, and takes metadata as it is', async () => {
    // given linked resources and an agent definition (not run), a job priority (an order only), and
    // metadata: extension properties, a version tag and the modeler's template attributes
    const xml = processFile(
      `<bpmn:startEvent id="s" />
      <bpmn:serviceTask id="rpa" zeebe:modelerTemplate="io.camunda.connectors.rpa" zeebe:modelerTemplateVersion="1">
        <bpmn:extensionElements><zeebe:taskDefinition type="rpa" />
          <zeebe:linkedResources><zeebe:linkedResource resourceId="script" resourceType="RPA" linkName="RPAScript" /></zeebe:linkedResources>
        </bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:serviceTask id="agent"><bpmn:extensionElements><zeebe:taskDefinition type="ai" /><zeebe:agentDefinition agentType="x" /></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:serviceTask id="urgent"><bpmn:extensionElements><zeebe:taskDefinition type="pay" /><zeebe:jobPriorityDefinition priority="90" /></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:serviceTask id="plain"><bpmn:extensionElements><zeebe:taskDefinition type="pay" />
        <zeebe:properties><zeebe:property name="owner" value="finance" /></zeebe:properties></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:endEvent id="e" />${chain('s', 'rpa', 'agent', 'urgent', 'plain', 'e')}`,
    );
    // when
    const { issues, warnings } = await compileBpmn(xml);
    // then the two it does not run are problems on their elements, the priority a warning
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      'rpa extension.unsupported',
      'agent extension.unsupported',
    ]);
    expect(issues[0]?.message).toContain('zeebe:LinkedResources');
    expect(warnings.map((w) => `${w.elementId} ${w.code}`)).toEqual(['urgent extension.ignored']);
    expect(warnings[0]?.message).toContain('priorities are not honoured');

    // and without them, a version tag, properties and template attributes deploy with no word
    const clean = definitions(
      `<bpmn:process id="p" isExecutable="true" zeebe:modelerTemplate="t">
        <bpmn:extensionElements><zeebe:versionTag value="v1.2" /><zeebe:properties><zeebe:property name="a" value="b" /></zeebe:properties></bpmn:extensionElements>
        <bpmn:startEvent id="s" /><bpmn:endEvent id="e" /><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" />
      </bpmn:process>`,
    );
    const compiled = await compileBpmn(clean);
    expect(compiled.issues).toEqual([]);
    expect(compiled.warnings).toEqual([]);
  });

  it('ignores Camunda 7 extensions left in a migrated file, as Zeebe does, and names them in warnings', async () => {
    // given a Camunda 7 process attribute, and a user task with a Camunda 7 assignee and task listener
    const xml = definitions(
      `<bpmn:process id="p" isExecutable="true" camunda:historyTimeToLive="180">
        <bpmn:startEvent id="s" />
        <bpmn:userTask id="t" camunda:assignee="ann">
          <bpmn:extensionElements><camunda:taskListener event="create" class="x" /></bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t" />
      </bpmn:process>`,
      'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
    );
    // when
    const { processes, issues, warnings } = await compileBpmn(xml);
    // then the file deploys, the task has no assignee, and each element names what was ignored
    expect(issues).toEqual([]);
    expect(processes[0]?.elements.t).not.toHaveProperty('userTask.assignee');
    expect(warnings).toEqual([
      expect.objectContaining({
        elementId: 'p',
        code: 'extension.ignored',
        severity: 'warning',
        message: expect.stringContaining('camunda:historyTimeToLive'),
      }),
      expect.objectContaining({
        elementId: 't',
        code: 'extension.ignored',
        severity: 'warning',
        message: expect.stringMatching(
          /<camunda:taskListener>.*camunda:assignee|camunda:assignee.*<camunda:taskListener>/,
        ),
      }),
    ]);
  });

  it('warns about extensions of any other namespace too, and keeps the Zeebe ones', async () => {
    // given a service task with a vendor attribute and a vendor extension beside its Zeebe job type
    const xml = definitions(
      `<bpmn:process id="p" isExecutable="true">
        <bpmn:startEvent id="s" />
        <bpmn:serviceTask id="t" acme:retryPolicy="eager">
          <bpmn:extensionElements><acme:audit level="full" /><zeebe:taskDefinition type="charge" /></bpmn:extensionElements>
        </bpmn:serviceTask>
        <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t" />
      </bpmn:process>`,
      'xmlns:acme="http://acme.example/bpmn"',
    );
    // when
    const { processes, issues, warnings } = await compileBpmn(xml);
    // then
    expect(issues).toEqual([]);
    expect(processes[0]?.elements.t).toMatchObject({ jobType: { feel: false, value: 'charge' } });
    expect(warnings.map((w) => `${w.elementId} ${w.code}`)).toEqual(['t extension.ignored']);
    expect(warnings[0]?.message).toContain('acme:retryPolicy');
    expect(warnings[0]?.message).toContain('<acme:audit>');
  });

  it('warns about Camunda 7 attributes on messages and errors too', async () => {
    const xml = definitions(
      `<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" /></bpmn:process>
      <bpmn:message id="m" name="paid" camunda:asyncBefore="true" />
      <bpmn:error id="err" errorCode="E" camunda:errorMessage="boom" />`,
      'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
    );
    const { issues, warnings } = await compileBpmn(xml);
    expect(issues).toEqual([]);
    expect(warnings.map((w) => `${w.elementId} ${w.code}`)).toEqual([
      'm extension.ignored',
      'err extension.ignored',
    ]);
  });

  it('reports no warning for a file with Zeebe extensions only', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="charge" /></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t" />`);
    expect((await compileBpmn(xml)).warnings).toEqual([]);
  });

  it('rejects Zeebe listeners it does not run (canceling task listeners), and takes end listeners on the process', async () => {
    const xml = processFile(`
      <bpmn:extensionElements>
        <zeebe:executionListeners><zeebe:executionListener eventType="end" type="audit" /></zeebe:executionListeners>
      </bpmn:extensionElements>
      <bpmn:startEvent id="s" />
      <bpmn:userTask id="t"><bpmn:extensionElements>
        <zeebe:taskListeners><zeebe:taskListener eventType="canceling" type="audit" /></zeebe:taskListeners>
      </bpmn:extensionElements></bpmn:userTask>
      <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t" />`);
    expect(await issuesOf(xml)).toEqual([
      expect.objectContaining({
        elementId: 't',
        code: 'listener.invalid',
        message: expect.stringContaining('canceling task listeners are not supported'),
      }),
    ]);
  });

  it('refuses a DOCTYPE, so no entity is ever expanded', async () => {
    // given the classic entity-expansion attack
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
      <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
      <bpmn:process id="p" name="&lol2;" isExecutable="true"><bpmn:startEvent id="s" /></bpmn:process></bpmn:definitions>`;
    // then
    const { processes, issues } = await compileBpmn(xml);
    expect(processes).toEqual([]);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'xml.malformed', message: expect.stringContaining('DOCTYPE') }),
    ]);
  });

  it('reports subprocesses nested absurdly deep instead of overflowing the stack', async () => {
    // given 5,000 nested subprocesses
    let inner = '<bpmn:startEvent id="s0" />';
    for (let level = 1; level <= 5000; level++)
      inner = `<bpmn:subProcess id="sp${level}">${inner}</bpmn:subProcess>`;
    const xml = processFile(`<bpmn:startEvent id="s" />${inner}`);
    // when
    const { issues } = await compileBpmn(xml);
    // then
    expect(issues.filter((issue) => issue.code === 'scope.depth-exceeded')).toEqual([
      expect.objectContaining({ elementId: 'sp4936' }),
    ]);
  });

  it('ignores diagram shapes that point nowhere, since they only draw', async () => {
    const xml = definitions(
      `<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" /><bpmn:endEvent id="e" />
        <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" /></bpmn:process>
      <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="plane" bpmnElement="p">
        <bpmndi:BPMNShape id="ghost_di" bpmnElement="ghost"><dc:Bounds x="0" y="0" width="10" height="10" /></bpmndi:BPMNShape>
      </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>`,
      'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"',
    );
    expect(await issueKeys(xml)).toEqual([]);
  });

  it.each([
    ['a raw NUL', '\u0000', 'U+0000'],
    ['a raw control character', '\u0001', 'U+0001'],
    ['a lone surrogate', '\uD800', 'U+D800'],
    ['a reference to NUL', '&#0;', '&#0;'],
    ['a hexadecimal reference to a control character', '&#x1B;', '&#x1B;'],
    ['a reference beyond Unicode', '&#x110000;', '&#x110000;'],
  ])('refuses %s, which XML 1.0 forbids, with its line and column', async (_name, bad, named) => {
    // given a process whose name on line 4 holds the character
    const xml = processFile(`<bpmn:startEvent id="s" name="a${bad}b" />`);
    // when
    const { issues } = await compileBpmn(xml);
    // then one malformed-XML issue points at it (the rest of the file is still checked)
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'xml.malformed',
        line: 4,
        column: 32,
        message: expect.stringContaining(named),
      }),
    ]);
  });

  it('accepts characters XML allows, and forbidden references inside comments and CDATA', async () => {
    // given tabs, emoji, a reference to a legal character, and inert text that only looks forbidden
    const xml = processFile(
      '<bpmn:startEvent id="s" name="tab\there \u{1F600} &#x4E2D;" />\n<!-- &#0; -->\n' +
        '<bpmn:endEvent id="e"><bpmn:documentation><![CDATA[&#x110000;]]></bpmn:documentation></bpmn:endEvent>\n' +
        '<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" />',
    );
    // when / then
    expect(await issueKeys(xml)).toEqual([]);
  });
});
