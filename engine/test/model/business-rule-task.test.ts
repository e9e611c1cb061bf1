import { describe, expect, it } from 'vitest';
import { chain, compileValid, issueKeys, issuesOf, processFile } from './bpmn-text.js';

const task = (extensions: string) =>
  processFile(`<bpmn:startEvent id="s" />
    <bpmn:businessRuleTask id="rule"><bpmn:extensionElements>${extensions}</bpmn:extensionElements></bpmn:businessRuleTask>
    <bpmn:endEvent id="e" />${chain('s', 'rule', 'e')}`);

describe('business rule tasks at deploy', () => {
  it('compiles a called decision with its result variable, and a FEEL decision id', async () => {
    const model = await compileValid(
      task('<zeebe:calledDecision decisionId="=&quot;risk-&quot; + region" resultVariable="risk" />'),
    );
    expect(model.elements.rule).toMatchObject({
      kind: 'bpmn:BusinessRuleTask',
      calledDecision: { decisionId: { feel: true, source: '"risk-" + region' }, resultVariable: 'risk' },
    });
  });

  it('compiles one with a job type as a job for a worker', async () => {
    const model = await compileValid(task('<zeebe:taskDefinition type="rules" retries="5" />'));
    expect(model.elements.rule).toMatchObject({ jobType: { feel: false, value: 'rules' }, jobRetries: 5 });
  });

  it('wants a decision id and a result variable, and refuses bindings other than latest', async () => {
    expect(await issueKeys(task('<zeebe:calledDecision resultVariable="r" />'))).toEqual([
      'rule decision.reference-invalid',
    ]);
    expect(await issueKeys(task('<zeebe:calledDecision decisionId="d" />'))).toEqual([
      'rule decision.reference-invalid',
    ]);
    const [binding] = await issuesOf(
      task('<zeebe:calledDecision decisionId="d" resultVariable="r" bindingType="deployment" />'),
    );
    expect(binding).toMatchObject({ elementId: 'rule', message: expect.stringContaining("'deployment'") });
    await compileValid(
      task('<zeebe:calledDecision decisionId="d" resultVariable="r" bindingType="latest" />'),
    );
  });

  it('refuses a task with neither a decision nor a job type, or with both', async () => {
    expect(await issueKeys(task(''))).toEqual(['rule decision.reference-invalid']);
    const both = task(
      '<zeebe:calledDecision decisionId="d" resultVariable="r" /><zeebe:taskDefinition type="rules" />',
    );
    expect(await issuesOf(both)).toEqual([
      expect.objectContaining({ elementId: 'rule', message: expect.stringContaining('keep one') }),
    ]);
  });

  it('reports a decision id that is not valid FEEL', async () => {
    expect(await issueKeys(task('<zeebe:calledDecision decisionId="=a +" resultVariable="r" />'))).toEqual([
      'rule feel.syntax',
    ]);
  });
});
