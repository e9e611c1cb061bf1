import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { whileProbingHealth } from './support/health-probe.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"`;

/** Doubles its work per level: at depth 20 it blocked the event loop for 5 s before budgets. */
const RECURSION = '{f: function(n) if n = 0 then 0 else f(n - 1) + f(n - 1)}.f(40)';
/** Doubles a list per level: killed the process with a fatal V8 out-of-memory error. */
const DOUBLING =
  '{f: function(l, n) if n = 0 then count(l) else f(concatenate(l, l), n - 1)}.f([1, 2, 3, 4, 5, 6, 7, 8], 40)';

/** start -> script task computing `expression` -> a user task that holds the instance. */
function scriptProcess(processId: string, expression: string): string {
  const escaped = expression.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d-${processId}" targetNamespace="urn:test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:scriptTask id="script"><bpmn:extensionElements><zeebe:script expression="=${escaped}" resultVariable="result" /></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:userTask id="hold" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script" />
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="hold" />
    <bpmn:sequenceFlow id="f3" sourceRef="hold" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
}

/** A timer whose duration comes from the variable `wait`. */
const timerFromVariable = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d-wait" targetNamespace="urn:test">
  <bpmn:process id="wait" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=wait</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pause" />
    <bpmn:sequenceFlow id="f2" sourceRef="pause" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** Starts an instance every millisecond: refused at deploy. */
const fastCycle = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d-fast" targetNamespace="urn:test">
  <bpmn:process id="fast" isExecutable="true">
    <bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R/PT0.001S</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="tick" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/**
 * What a designer types cannot stall or kill the server: each hostile input costs its own instance
 * an incident (or its deploy a problem) while `/health` keeps answering within a second.
 */
describe.each(dialects())('expression and time limits over HTTP on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  let sam: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
  });
  afterAll(async () => t?.close());

  const deploy = (xml: string) => t.call(dana, { method: 'POST', url: '/api/definitions', payload: { xml } });
  const start = (processId: string, variables: Record<string, unknown> = {}) =>
    t.call(sam, { method: 'POST', url: '/api/instances', payload: { processId, variables } });

  it.each([
    ['recursion', RECURSION],
    ['list doubling', DOUBLING],
  ])('turns %s into an incident on its element while /health answers', async (name, expression) => {
    const processId = `hostile-${name.replace(' ', '-')}`;
    expect((await deploy(scriptProcess(processId, expression))).statusCode).toBe(201);
    const { result, slowestHealthMs } = await whileProbingHealth(t.app, () => start(processId));
    expect(result.statusCode, result.body).toBe(201);
    const incidents = await t.engine.listIncidents({ instanceId: result.json().id, open: true });
    expect(incidents.map((i) => [i.elementId, i.message])).toEqual([
      ['script', expect.stringMatching(/budget/)],
    ]);
    expect(slowestHealthMs).toBeLessThan(1000);
    // and the server goes on: a cheap expression still runs
    expect((await deploy(scriptProcess(`${processId}-cheap`, '1 + 1'))).statusCode).toBe(201);
    const cheap = await start(`${processId}-cheap`);
    expect((await t.engine.getInstance(cheap.json().id)).variables).toMatchObject({ result: 2 });
  });

  it('turns an out-of-range timer duration from a variable into an incident, not a 500', async () => {
    expect((await deploy(timerFromVariable)).statusCode).toBe(201);
    const started = await start('wait', { wait: 'PT99999999999999999H' });
    expect(started.statusCode, started.body).toBe(201);
    const incidents = await t.engine.listIncidents({ instanceId: started.json().id, open: true });
    expect(incidents.map((i) => i.elementId)).toEqual(['pause']);
  });

  it('refuses a start cycle shorter than a second at deploy, naming the element', async () => {
    const res = await deploy(fastCycle);
    expect(res.statusCode).toBe(400);
    expect(res.json().issues.map((i: { elementId: string }) => i.elementId)).toContain('tick');
  });
});
