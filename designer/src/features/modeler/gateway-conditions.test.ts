import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { lintConfig } from './lint-config.js';

type Reports = Record<string, { id: string; message: string; category?: string }[]>;
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

describe('lint severities follow what the engine runs', () => {
  /** A split out of a task, joined by a complex gateway, then a multiple catch event (a message or a timer). */
  const node = (tag: string, id: string, ins: string[], outs: string[], body = '') =>
    `<bpmn:${tag} id="${id}" name="${id}">${ins.map((f) => `<bpmn:incoming>${f}</bpmn:incoming>`).join('')}${outs.map((f) => `<bpmn:outgoing>${f}</bpmn:outgoing>`).join('')}${body}</bpmn:${tag}>`;
  const flow = (id: string, from: string, to: string) =>
    `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;
  const supported = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    ${node('startEvent', 'start', [], ['f1'])}
    ${node('task', 'work', ['f1'], ['f2', 'f3'])}
    ${node('task', 'a', ['f2'], ['f4'])}
    ${node('task', 'b', ['f3'], ['f5'])}
    ${node('complexGateway', 'join', ['f4', 'f5'], ['f6'])}
    ${node('intermediateCatchEvent', 'wait', ['f6'], ['f7'], '<bpmn:messageEventDefinition /><bpmn:timerEventDefinition />')}
    ${node('endEvent', 'end', ['f7'], [])}
    ${flow('f1', 'start', 'work')}${flow('f2', 'work', 'a')}${flow('f3', 'work', 'b')}${flow('f4', 'a', 'join')}
    ${flow('f5', 'b', 'join')}${flow('f6', 'join', 'wait')}${flow('f7', 'wait', 'end')}
  </bpmn:process>
</bpmn:definitions>`;

  it('reports no complex gateway and no multiple event, and an implicit split only as a warning', async () => {
    const { rootElement } = await new BpmnModdle().fromXML(supported);
    const reports = await new Linter(lintConfig).lint(rootElement);
    expect(reports['no-complex-gateway']).toBeUndefined();
    expect(reports['single-event-definition']).toBeUndefined();
    expect(reports['no-implicit-split']).toEqual([expect.objectContaining({ id: 'work', category: 'warn' })]);
  });
});
