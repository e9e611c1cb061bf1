import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/model/index.js';
import { chain, compileValid, flow, formal, issueKeys, processFile } from './bpmn-text.js';

const conditional = (feel: string, attrs = '', inner = '') =>
  `<bpmn:conditionalEventDefinition ${attrs}>${inner}${formal('condition', feel)}</bpmn:conditionalEventDefinition>`;

describe('deploy rules of conditional events', () => {
  it('accepts a conditional start, intermediate catch, boundary and event subprocess start, with FEEL conditions', async () => {
    // given every position BPMN allows a conditional event in
    const xml = processFile(`
      <bpmn:startEvent id="s">${conditional('=temperature > 30')}</bpmn:startEvent>
      <bpmn:intermediateCatchEvent id="wait">${conditional('=ready = true')}</bpmn:intermediateCatchEvent>
      <bpmn:userTask id="t" />
      <bpmn:boundaryEvent id="b" attachedToRef="t" cancelActivity="false">${conditional('=urgent')}</bpmn:boundaryEvent>
      <bpmn:endEvent id="e" /><bpmn:endEvent id="e2" />
      <bpmn:subProcess id="esp" triggeredByEvent="true">
        <bpmn:startEvent id="esp-s" isInterrupting="true">${conditional('=cancelled = true')}</bpmn:startEvent>
        <bpmn:endEvent id="esp-e" />${flow('esp-s', 'esp-e')}
      </bpmn:subProcess>
      ${chain('s', 'wait', 't', 'e')}${flow('b', 'e2')}`);
    // when
    const process = await compileValid(xml);
    // then each keeps its condition as FEEL source, without the leading =
    expect(process.elements.s).toMatchObject({
      event: { kind: 'conditional', condition: { feel: true, source: 'temperature > 30' } },
    });
    expect(process.elements.wait).toMatchObject({
      event: { kind: 'conditional', condition: { feel: true, source: 'ready = true' } },
    });
    expect(process.elements.b).toMatchObject({ event: { kind: 'conditional' }, cancelActivity: false });
    expect(process.elements['esp-s']).toMatchObject({ event: { kind: 'conditional' }, interrupting: true });
  });

  it('rejects a conditional event without a condition, and one whose condition does not parse, by element id', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:intermediateCatchEvent id="empty"><bpmn:conditionalEventDefinition /></bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="broken">${conditional('=x >')}</bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="e" />${chain('s', 'empty', 'broken', 'e')}`);
    const { issues } = await compileBpmn(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      'empty event.invalid',
      'broken feel.syntax',
    ]);
    expect(issues[0]?.message).toMatch(/needs a condition/);
    expect(issues[1]?.message).toMatch(/^condition: /);
  });

  it("warns about Camunda 7's variableName and variableEvents, which it does not use", async () => {
    // given a file migrated from Camunda 7
    const xml = processFile(
      `<bpmn:startEvent id="s" />
      <bpmn:intermediateCatchEvent id="wait">${conditional('=x = 1', 'camunda:variableName="x" camunda:variableEvents="create, update"')}</bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="e" />${chain('s', 'wait', 'e')}`,
    ).replace('xmlns:xsi=', 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi=');
    // when
    const { issues, warnings } = await compileBpmn(xml);
    // then it deploys, with a warning naming both attributes on the event
    expect(issues).toEqual([]);
    const warning = warnings.find((w) => w.elementId === 'wait');
    expect(warning?.code).toBe('extension.ignored');
    expect(warning?.message).toMatch(/camunda:variableName/);
    expect(warning?.message).toMatch(/camunda:variableEvents/);
  });

  it("compiles Zeebe's variable filter on catch, boundary and event subprocess starts", async () => {
    // given a filter by names, one by kind of change, and one listing both kinds (which filters nothing by kind)
    const filter = (attrs: string) =>
      `<bpmn:extensionElements><zeebe:conditionalFilter ${attrs} /></bpmn:extensionElements>`;
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:intermediateCatchEvent id="wait">${conditional('=x = 1', '', filter('variableNames=" x , y "'))}</bpmn:intermediateCatchEvent>
      <bpmn:userTask id="t" />
      <bpmn:boundaryEvent id="b" attachedToRef="t">${conditional('=z', '', filter('variableEvents="update"'))}</bpmn:boundaryEvent>
      <bpmn:endEvent id="e" /><bpmn:endEvent id="e2" />
      <bpmn:subProcess id="esp" triggeredByEvent="true">
        <bpmn:startEvent id="esp-s">${conditional('=stop', '', filter('variableNames="stop" variableEvents="create,update"'))}</bpmn:startEvent>
        <bpmn:endEvent id="esp-e" />${flow('esp-s', 'esp-e')}
      </bpmn:subProcess>
      ${chain('s', 'wait', 't', 'e')}${flow('b', 'e2')}`);
    // when
    const process = await compileValid(xml);
    // then
    expect(process.elements.wait).toMatchObject({ event: { filter: { variableNames: ['x', 'y'] } } });
    expect(process.elements.b).toMatchObject({ event: { filter: { variableEvents: ['update'] } } });
    expect(process.elements['esp-s']).toMatchObject({ event: { filter: { variableNames: ['stop'] } } });
    expect((process.elements['esp-s'] as { event: { filter?: object } }).event.filter).not.toHaveProperty(
      'variableEvents',
    );
  });

  it('rejects a variable filter on a process start event, an unknown variable event and a second filter', async () => {
    const xml =
      processFile(`<bpmn:startEvent id="s">${conditional('=go', '', '<bpmn:extensionElements><zeebe:conditionalFilter variableNames="go" /></bpmn:extensionElements>')}</bpmn:startEvent>
      <bpmn:intermediateCatchEvent id="wait">${conditional('=x = 1', '', '<bpmn:extensionElements><zeebe:conditionalFilter variableEvents="create,delete" /></bpmn:extensionElements>')}</bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="twice">${conditional('=y', '', '<bpmn:extensionElements><zeebe:conditionalFilter variableNames="y" /><zeebe:conditionalFilter variableNames="z" /></bpmn:extensionElements>')}</bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="e" />${chain('s', 'wait', 'twice', 'e')}`);
    const { issues } = await compileBpmn(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      's extension.unsupported',
      'wait event.invalid',
      'twice event.invalid',
    ]);
    expect(issues[0]?.message).toMatch(/process start event/);
    expect(issues[1]?.message).toMatch(/'delete' is not a variable event \(create, update\)/);
  });

  it('rejects conditional events where BPMN has none: end and throw events, the start of an embedded subprocess', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" />
      <bpmn:intermediateThrowEvent id="th">${conditional('=x')}</bpmn:intermediateThrowEvent>
      <bpmn:subProcess id="sub">
        <bpmn:startEvent id="sub-s">${conditional('=x')}</bpmn:startEvent><bpmn:endEvent id="sub-end" />${flow('sub-s', 'sub-end')}
      </bpmn:subProcess>
      <bpmn:endEvent id="e">${conditional('=x')}</bpmn:endEvent>${chain('s', 'th', 'sub', 'e')}`);
    expect(await issueKeys(xml)).toEqual([
      'th element.unsupported',
      'sub-s scope.start-invalid',
      'e element.unsupported',
      'sub scope.start-invalid',
    ]);
  });

  it('accepts a conditional catch event after an event-based gateway', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" /><bpmn:eventBasedGateway id="g" />
      <bpmn:intermediateCatchEvent id="c">${conditional('=done')}</bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition>${formal('timeDuration', 'PT1H')}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />
      ${chain('s', 'g', 'c', 'e1')}${flow('g', 't')}${flow('t', 'e2')}`);
    const process = await compileValid(xml);
    expect(process.elements.c).toMatchObject({ event: { kind: 'conditional' } });
  });
});
