import { describe, expect, it } from 'vitest';
import { compileValid, flow, formal, issueKeys, issuesOf, processFile } from './bpmn-text.js';

/** start -> ad-hoc subprocess `work` (attributes, extension elements, inner content) -> end. */
function adHoc(inner: string, attributes = '', extensions = ''): string {
  return processFile(`<bpmn:startEvent id="s" />
    <bpmn:adHocSubProcess id="work" ${attributes}>
      ${extensions ? `<bpmn:extensionElements>${extensions}</bpmn:extensionElements>` : ''}
      ${inner}
    </bpmn:adHocSubProcess>
    <bpmn:endEvent id="e" />${flow('s', 'work')}${flow('work', 'e')}`);
}

const COLLECTION = '<zeebe:adHoc activeElementsCollection="=toDo" />';

describe('deploy rules of ad-hoc subprocesses', () => {
  it('compiles the collection, the completion condition and cancelRemainingInstances, and lists what may be activated', async () => {
    // given inner tasks without incoming flows, one with an outgoing flow to another, a boundary event
    const xml = adHoc(
      `<bpmn:userTask id="a" /><bpmn:userTask id="b" /><bpmn:task id="c" />${flow('b', 'c')}
       <bpmn:boundaryEvent id="late" attachedToRef="a"><bpmn:timerEventDefinition>${formal('timeDuration', 'PT1H')}</bpmn:timerEventDefinition></bpmn:boundaryEvent>
       <bpmn:task id="chase" />${flow('late', 'chase')}
       ${formal('completionCondition', '=done')}`,
      'cancelRemainingInstances="false"',
      COLLECTION,
    );
    // when
    const process = await compileValid(xml);
    // then
    expect(process.elements.work).toMatchObject({
      kind: 'bpmn:AdHocSubProcess',
      adHoc: {
        activeElements: { feel: true, source: 'toDo' },
        completionCondition: { feel: true, source: 'done' },
        cancelRemainingInstances: false,
        activatableIds: ['a', 'b', 'c', 'chase'],
      },
    });
    expect(process.scopes.work?.childIds).toEqual(['a', 'b', 'c', 'late', 'chase']);
  });

  it('defaults cancelRemainingInstances to true and takes an ad-hoc subprocess without a collection', async () => {
    const process = await compileValid(adHoc('<bpmn:userTask id="a" />'));
    expect(process.elements.work).toMatchObject({
      adHoc: { cancelRemainingInstances: true, activatableIds: ['a'] },
    });
    expect(process.elements.work).not.toHaveProperty('adHoc.activeElements');
  });

  it('rejects start and end events inside, naming them', async () => {
    const xml = adHoc(
      `<bpmn:startEvent id="in" /><bpmn:userTask id="a" /><bpmn:endEvent id="out" />${flow('in', 'a')}${flow('a', 'out')}`,
    );
    expect(await issueKeys(xml)).toEqual(['in adhoc.invalid', 'out adhoc.invalid']);
  });

  it('rejects an ad-hoc subprocess without an activity', async () => {
    const xml = adHoc(
      `<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>${formal('timeDuration', 'PT1M')}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`,
    );
    const keys = await issueKeys(xml);
    expect(keys).toContain('work adhoc.invalid');
    // and an intermediate catch event inside needs an outgoing flow
    expect(keys).toContain('wait adhoc.invalid');
  });

  it("rejects ordering='Sequential', as Zeebe runs inner elements in parallel only", async () => {
    const issues = await issuesOf(adHoc('<bpmn:userTask id="a" />', 'ordering="Sequential"'));
    expect(issues).toEqual([expect.objectContaining({ elementId: 'work', code: 'element.unsupported' })]);
    expect(issues[0]?.message).toContain('Sequential');
  });

  it('rejects an ad-hoc subprocess driven by a job worker (Camunda 8.8) with a clear message', async () => {
    const issues = await issuesOf(
      adHoc(
        '<bpmn:userTask id="a" />',
        '',
        '<zeebe:taskDefinition type="agent" /><zeebe:adHoc outputCollection="results" outputElement="=r" />',
      ),
    );
    expect(issues.map((issue) => `${issue.elementId} ${issue.code}`)).toEqual([
      'work element.unsupported',
      'work element.unsupported',
      'work element.unsupported',
    ]);
    expect(issues[0]?.message).toContain('job worker (zeebe:taskDefinition)');
    expect(issues[1]?.message).toContain('outputCollection');
  });

  it('reports a FEEL syntax error in the collection and the completion condition', async () => {
    const xml = adHoc(
      `<bpmn:userTask id="a" />${formal('completionCondition', '=done =')}`,
      '',
      '<zeebe:adHoc activeElementsCollection="=[&quot;a&quot;" />',
    );
    expect(await issueKeys(xml)).toEqual(['work feel.syntax', 'work feel.syntax']);
  });

  it('still asks an incoming flow of elements in an embedded (not ad-hoc) subprocess', async () => {
    const xml = processFile(`<bpmn:startEvent id="s" /><bpmn:subProcess id="sub">
      <bpmn:startEvent id="in" /><bpmn:task id="t" /><bpmn:task id="orphan" /><bpmn:endEvent id="out" />${flow('in', 't')}${flow('t', 'out')}
    </bpmn:subProcess><bpmn:endEvent id="e" />${flow('s', 'sub')}${flow('sub', 'e')}`);
    expect(await issueKeys(xml)).toEqual(['orphan flow.incoming-missing']);
  });
});
