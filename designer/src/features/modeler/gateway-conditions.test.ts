import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { lintConfig } from './lint-config.js';

type Reports = Record<string, { id: string; message: string }[]>;
const load = createRequire(import.meta.url);
const { Linter } = load('bpmnlint') as {
  Linter: new (options: typeof lintConfig) => { lint(root: unknown): Promise<Reports> };
};
// bpmn-moddle 9 (bpmn-js's copy) exports the class itself to CommonJS.
const BpmnModdle = load('bpmn-moddle') as new () => {
  fromXML(xml: string): Promise<{ rootElement: unknown }>;
};

/** start -> gateway -> two ends, the flows out of the gateway as given. */
function split(flows: string, gatewayAttributes = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:exclusiveGateway id="decide" name="Approved?" ${gatewayAttributes}>
      <bpmn:incoming>in</bpmn:incoming>
      <bpmn:outgoing>toYes</bpmn:outgoing>
      <bpmn:outgoing>toNo</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="yes" />
    <bpmn:endEvent id="no" />
    <bpmn:sequenceFlow id="in" sourceRef="start" targetRef="decide" />
    ${flows}
  </bpmn:process>
</bpmn:definitions>`;
}

async function gatewayReports(xml: string) {
  const { rootElement } = await new BpmnModdle().fromXML(xml);
  const reports = await new Linter(lintConfig).lint(rootElement);
  return (reports['baton/gateway-conditions'] ?? []).map((r) => r.id);
}

const yes = (condition = '') =>
  `<bpmn:sequenceFlow id="toYes" sourceRef="decide" targetRef="yes">${condition}</bpmn:sequenceFlow>`;
const no = (condition = '') =>
  `<bpmn:sequenceFlow id="toNo" sourceRef="decide" targetRef="no">${condition}</bpmn:sequenceFlow>`;
const cond = (expr: string) =>
  `<bpmn:conditionExpression xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="bpmn:tFormalExpression">${expr}</bpmn:conditionExpression>`;

describe('lint rule: a splitting gateway needs conditions', () => {
  it('flags a gateway whose outgoing flows have no condition and no default', async () => {
    expect(await gatewayReports(split(yes() + no()))).toEqual(['decide']);
  });

  it('accepts conditions on every flow, or conditions plus one default flow', async () => {
    expect(await gatewayReports(split(yes(cond('=ok')) + no(cond('=not(ok)'))))).toEqual([]);
    expect(await gatewayReports(split(yes(cond('=ok')) + no(), 'default="toNo"'))).toEqual([]);
  });
});
