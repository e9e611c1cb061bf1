import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/model/index.js';
import { chain, compileValid, flow, issueKeys, issuesOf, processFile } from './bpmn-text.js';

const START = '<bpmn:startEvent id="s" />';
const END = '<bpmn:endEvent id="e" />';
const compBoundary = (id: string, host: string) =>
  `<bpmn:boundaryEvent id="${id}" attachedToRef="${host}"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>`;
const handler = (id: string, extra = '') => `<bpmn:task id="${id}" isForCompensation="true"${extra} />`;
const association = (source: string, target: string) =>
  `<bpmn:association id="as-${source}-${target}" sourceRef="${source}" targetRef="${target}" />`;
const compThrow = (id: string, ref?: string) =>
  `<bpmn:intermediateThrowEvent id="${id}"><bpmn:compensateEventDefinition${ref ? ` activityRef="${ref}"` : ''} /></bpmn:intermediateThrowEvent>`;

describe('deploy rules of compensation', () => {
  it('pairs a compensation boundary event with its handler through the association', async () => {
    // given
    const xml = processFile(
      `${START}<bpmn:task id="a" />${compThrow('t', 'a')}${END}${compBoundary('ac', 'a')}${handler('undo')}
      ${association('ac', 'undo')}${chain('s', 'a', 't', 'e')}`,
    );
    // when
    const process = await compileValid(xml);
    // then
    expect(process.elements.a).toMatchObject({ compensationHandlerId: 'undo' });
    expect(process.elements.undo).toMatchObject({ isForCompensation: true });
    expect(process.elements.t).toMatchObject({ event: { kind: 'compensate', activityRef: 'a' } });
  });

  it('rejects a handler without association and a compensation boundary without a handler', async () => {
    const xml = processFile(
      `${START}<bpmn:task id="a" />${END}${compBoundary('ac', 'a')}${handler('undo')}${chain('s', 'a', 'e')}`,
    );
    expect(await issueKeys(xml)).toEqual(['ac compensation.invalid', 'undo compensation.invalid']);
  });

  it('rejects a handler with sequence flows and a compensation boundary with outgoing flows', async () => {
    const xml = processFile(
      `${START}<bpmn:task id="a" />${END}<bpmn:endEvent id="e2" />${compBoundary('ac', 'a')}${handler('undo')}
      ${association('ac', 'undo')}${chain('s', 'a', 'e')}${flow('ac', 'e2')}${flow('undo', 'e2')}`,
    );
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      'undo compensation.invalid',
      'ac compensation.invalid',
    ]);
    expect(issues[0]?.message).toContain("'undo-e2'");
  });

  it('rejects an activityRef that names no activity of the scope, nor a handler', async () => {
    const xml = processFile(
      `${START}<bpmn:task id="a" />${compThrow('t1', 'inner')}${compThrow('t2', 'undo')}${END}
      <bpmn:subProcess id="sub"><bpmn:startEvent id="ss" /><bpmn:task id="inner" /><bpmn:endEvent id="se" />${chain('ss', 'inner', 'se')}</bpmn:subProcess>
      ${compBoundary('ac', 'a')}${handler('undo')}${association('ac', 'undo')}${chain('s', 'a', 'sub', 't1', 't2', 'e')}`,
    );
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      't1 compensation.invalid',
      't2 compensation.invalid',
    ]);
    expect(issues[0]?.message).toContain("activityRef 'inner'");
  });

  it('rejects a handler in another scope than its activity', async () => {
    const xml = processFile(
      `${START}<bpmn:task id="a" />${END}${compBoundary('ac', 'a')}
      <bpmn:subProcess id="sub"><bpmn:startEvent id="ss" /><bpmn:endEvent id="se" />${chain('ss', 'se')}${handler('undo')}</bpmn:subProcess>
      ${association('ac', 'undo')}${chain('s', 'a', 'sub', 'e')}`,
    );
    expect(await issueKeys(xml)).toEqual(['undo compensation.invalid']);
  });

  it('ignores waitForCompletion="false" with a warning, since the throw always waits', async () => {
    const xml = processFile(
      `${START}<bpmn:intermediateThrowEvent id="t"><bpmn:compensateEventDefinition waitForCompletion="false" /></bpmn:intermediateThrowEvent>${END}${chain('s', 't', 'e')}`,
    );
    const { issues, warnings } = await compileBpmn(xml);
    expect(issues).toEqual([]);
    expect(warnings.map((w) => `${w.elementId} ${w.code}`)).toEqual(['t compensation.wait-ignored']);
  });

  it('rejects a compensation catch event, and a compensation event subprocess outside an embedded subprocess', async () => {
    const xml = processFile(
      `${START}<bpmn:intermediateCatchEvent id="c"><bpmn:compensateEventDefinition /></bpmn:intermediateCatchEvent>${END}${chain('s', 'c', 'e')}
      <bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="cs"><bpmn:compensateEventDefinition /></bpmn:startEvent><bpmn:endEvent id="ce" />${chain('cs', 'ce')}</bpmn:subProcess>`,
    );
    expect(await issueKeys(xml)).toEqual(['c element.unsupported', 'esp compensation.invalid']);
  });
});

describe('deploy rules of transactions', () => {
  const transaction = (inner: string, extra = '') =>
    `<bpmn:transaction id="tx"${extra}><bpmn:startEvent id="ts" />${inner}</bpmn:transaction>`;
  const cancelEnd = (id: string) =>
    `<bpmn:endEvent id="${id}"><bpmn:cancelEventDefinition /></bpmn:endEvent>`;
  const cancelBoundary = (id: string, host: string) =>
    `<bpmn:boundaryEvent id="${id}" attachedToRef="${host}"><bpmn:cancelEventDefinition /></bpmn:boundaryEvent>`;

  it('compiles a transaction as an embedded subprocess with its cancel end and boundary events', async () => {
    const xml = processFile(
      `${START}${transaction(`${cancelEnd('ce')}${chain('ts', 'ce')}`)}${cancelBoundary('cb', 'tx')}${END}<bpmn:endEvent id="e2" />
      ${chain('s', 'tx', 'e')}${flow('cb', 'e2')}`,
    );
    const process = await compileValid(xml);
    expect(process.elements.tx).toMatchObject({
      kind: 'bpmn:SubProcess',
      transaction: true,
      boundaryEventIds: ['cb'],
    });
    expect(process.elements.ce).toMatchObject({ event: { kind: 'cancel' } });
    expect(process.scopes.tx?.noneStartEventId).toBe('ts');
  });

  it('rejects a cancel end event outside a transaction and a cancel boundary on another activity', async () => {
    const xml = processFile(
      `${START}<bpmn:task id="a" />${cancelEnd('ce')}${cancelBoundary('cb', 'a')}<bpmn:endEvent id="e2" />
      ${chain('s', 'a', 'ce')}${flow('cb', 'e2')}`,
    );
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      'ce transaction.invalid',
      'cb transaction.invalid',
    ]);
    expect(issues[0]?.message).toBe('a cancel end event must be inside a transaction');
  });

  it('rejects a cancel end event in a transaction without a cancel boundary event', async () => {
    const xml = processFile(
      `${START}${transaction(`${cancelEnd('ce')}${chain('ts', 'ce')}`)}${END}${chain('s', 'tx', 'e')}`,
    );
    expect(await issueKeys(xml)).toEqual(['ce transaction.invalid']);
  });

  it('rejects a second cancel boundary event and a non-interrupting one', async () => {
    const xml = processFile(
      `${START}${transaction(`${cancelEnd('ce')}${chain('ts', 'ce')}`)}${cancelBoundary('cb1', 'tx')}${cancelBoundary('cb2', 'tx')}
      <bpmn:transaction id="tx2"><bpmn:startEvent id="ts2" /><bpmn:endEvent id="te2" />${chain('ts2', 'te2')}</bpmn:transaction>
      <bpmn:boundaryEvent id="cb3" attachedToRef="tx2" cancelActivity="false"><bpmn:cancelEventDefinition /></bpmn:boundaryEvent>
      ${END}<bpmn:endEvent id="e2" />${chain('s', 'tx', 'tx2', 'e')}${flow('cb1', 'e2')}${flow('cb2', 'e2')}${flow('cb3', 'e2')}`,
    );
    const issues = await issuesOf(xml);
    expect(issues.map((i) => `${i.elementId} ${i.code}`)).toEqual([
      'cb2 transaction.invalid',
      'cb3 transaction.invalid',
    ]);
    expect(issues[0]?.message).toBe("the transaction already has cancel boundary event 'cb1'");
  });

  it('warns that a transaction method other than compensation is ignored', async () => {
    const xml = processFile(
      `${START}${transaction(`<bpmn:endEvent id="te" />${chain('ts', 'te')}`, ' method="##Store"')}${END}${chain('s', 'tx', 'e')}`,
    );
    const { issues, warnings } = await compileBpmn(xml);
    expect(issues).toEqual([]);
    expect(warnings.map((w) => `${w.elementId} ${w.code}`)).toEqual(['tx transaction.method-ignored']);
  });
});
