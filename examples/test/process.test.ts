import { Linter } from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver.js';
import { describe, expect, it } from 'vitest';
import { getTemplate, TEMPLATE_IDS } from '../src/index.js';
import { type Box, contains, extension, flowElements, type Node, overlaps, parse } from './support.js';

async function load(id: string) {
  const template = getTemplate(id);
  if (!template) throw new Error(`no template ${id}`);
  const parsed = await parse(template.xml);
  const processes = ((parsed.definitions.rootElements as Node[]) ?? []).filter(
    (e) => e.$type === 'bpmn:Process',
  );
  const process = processes[0] as Node;
  return { template, ...parsed, processes, process, elements: flowElements(process) };
}

const ACTIVITY_OR_EVENT = /Task$|Event$|Gateway$|SubProcess$|CallActivity$/;

describe.each(TEMPLATE_IDS)('%s process', (id) => {
  it('parses with the Zeebe extensions, without warnings, as one executable Camunda 8 process', async () => {
    const { warnings, processes, process, template, definitions } = await load(id);
    expect(warnings.map((w) => w.message)).toEqual([]);
    expect(processes).toHaveLength(1);
    expect(process.id).toBe(template.manifest.processId);
    expect(process.isExecutable).toBe(true);
    expect((definitions.$attrs as Record<string, string>)['modeler:executionPlatform']).toBe('Camunda Cloud');
    const participants = ((definitions.rootElements as Node[]).find((e) => e.$type === 'bpmn:Collaboration')
      ?.participants ?? []) as Node[];
    expect(participants).toHaveLength(1);
  });

  it('draws every element with bounds and no two flow nodes on top of each other', async () => {
    const { definitions, elements } = await load(id);
    const plane = ((definitions.diagrams as Node[])[0] as Node).plane as Node;
    const shapes = (plane.planeElement as Node[]).filter((e) => e.$type === 'bpmndi:BPMNShape');
    const boxes = new Map<string, Box>(shapes.map((s) => [(s.bpmnElement as Node).id, s.bounds as Box]));
    const nodes = elements.filter((e) => ACTIVITY_OR_EVENT.test(e.$type));
    for (const n of nodes) expect(boxes.get(n.id), `${n.id} has no shape`).toBeDefined();
    for (const [i, a] of nodes.entries()) {
      for (const b of nodes.slice(i + 1)) {
        const boxA = boxes.get(a.id) as Box;
        const boxB = boxes.get(b.id) as Box;
        const attached =
          (a.attachedToRef as Node | undefined)?.id === b.id ||
          (b.attachedToRef as Node | undefined)?.id === a.id;
        const nested = contains(boxA, boxB) || contains(boxB, boxA);
        const inSub = a.$type === 'bpmn:SubProcess' || b.$type === 'bpmn:SubProcess';
        if (attached || (nested && inSub)) continue;
        expect(overlaps(boxA, boxB), `${a.id} overlaps ${b.id}`).toBe(false);
      }
    }
    const edges = (plane.planeElement as Node[]).filter((e) => e.$type === 'bpmndi:BPMNEdge');
    const flows = elements.filter((e) => e.$type === 'bpmn:SequenceFlow');
    expect(edges).toHaveLength(flows.length);
    for (const edge of edges) expect((edge.waypoint as unknown[]).length).toBeGreaterThanOrEqual(2);
  });

  it('passes bpmnlint recommended rules', async () => {
    const { definitions } = await load(id);
    const linter = new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver() });
    const reports = await linter.lint(definitions);
    const problems = Object.entries(reports).flatMap(([rule, list]) =>
      list.filter((r) => r.category === 'error').map((r) => `${rule}: ${r.id} ${r.message}`),
    );
    expect(problems).toEqual([]);
  });

  it('names only forms the template ships, and ships only forms it names', async () => {
    const { elements, template } = await load(id);
    const referenced = new Set(
      elements
        .map((e) => extension(e, 'zeebe:FormDefinition')?.formId as string | undefined)
        .filter((f) => f !== undefined),
    );
    const shipped = new Set(template.forms.map((f) => f.formId));
    expect([...referenced].sort()).toEqual([...shipped].sort());
  });

  it('uses only the groups its manifest lists, for lanes and candidate groups', async () => {
    const { process, elements, template } = await load(id);
    const groups = new Set(template.manifest.groups);
    const lanes = (((process.laneSets as Node[])[0] as Node).lanes as Node[]).map((l) => l.name);
    for (const lane of lanes) expect(groups.has(lane ?? ''), `lane ${lane}`).toBe(true);
    const candidateGroups = elements.flatMap((e) =>
      String(extension(e, 'zeebe:AssignmentDefinition')?.candidateGroups ?? '')
        .split(',')
        .filter(Boolean),
    );
    for (const g of candidateGroups) expect(groups.has(g.trim()), `candidate group ${g}`).toBe(true);
    expect(new Set([...lanes, ...candidateGroups])).toEqual(groups);
  });

  it('gives every user task a form and an assignment, and every main element documentation', async () => {
    const { elements } = await load(id);
    for (const task of elements.filter((e) => e.$type === 'bpmn:UserTask')) {
      expect(extension(task, 'zeebe:FormDefinition'), task.id).toBeDefined();
      expect(extension(task, 'zeebe:AssignmentDefinition'), task.id).toBeDefined();
      expect((task.documentation as Node[] | undefined)?.length, `${task.id} documentation`).toBe(1);
    }
    // Every job is one the server runs itself: send tasks notify; a service task may also be the
    // weekly sync's `baton.present` (who of a list is not away).
    for (const task of elements.filter((e) => e.$type === 'bpmn:SendTask')) {
      expect(extension(task, 'zeebe:TaskDefinition')?.type, task.id).toBe('baton.notify');
    }
    for (const task of elements.filter((e) => e.$type === 'bpmn:ServiceTask')) {
      expect(['baton.notify', 'baton.present'], task.id).toContain(
        extension(task, 'zeebe:TaskDefinition')?.type,
      );
    }
  });

  it('puts a FEEL condition on every gateway branch that is not the default', async () => {
    const { elements } = await load(id);
    for (const gateway of elements.filter(
      (e) => e.$type === 'bpmn:ExclusiveGateway' || e.$type === 'bpmn:InclusiveGateway',
    )) {
      const outgoing = (gateway.outgoing as Node[]) ?? [];
      if (outgoing.length < 2) {
        expect((gateway.default as Node | undefined)?.id, `${gateway.id} merge has a default`).toBe(
          outgoing[0]?.id,
        );
        continue;
      }
      for (const flow of outgoing) {
        if ((gateway.default as Node | undefined)?.id === flow.id) continue;
        expect(String((flow.conditionExpression as Node | undefined)?.body ?? ''), flow.id).toMatch(/^=/);
      }
    }
  });
});

describe('collaboration mechanics across the templates', () => {
  it('has review loops, per-member tasks, reminders, escalations, timer starts and a follow-up timer', async () => {
    const all = await Promise.all(TEMPLATE_IDS.map((id) => load(id)));
    const elements = all.flatMap((t) => t.elements);
    const boundaries = elements.filter((e) => e.$type === 'bpmn:BoundaryEvent');
    const timerOf = (e: Node) =>
      ((e.eventDefinitions as Node[] | undefined) ?? []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
    expect(boundaries.filter((b) => timerOf(b) && b.cancelActivity === false).length).toBeGreaterThanOrEqual(
      6,
    );
    expect(boundaries.filter((b) => timerOf(b) && b.cancelActivity !== false).length).toBeGreaterThanOrEqual(
      3,
    );
    const multiInstance = elements.filter((e) => e.loopCharacteristics);
    expect(multiInstance.length).toBeGreaterThanOrEqual(8);
    for (const id of ['weekly-sync', 'monthly-review']) {
      const starts = (await load(id)).process.flowElements as Node[];
      const timerStarts = starts.filter((e) => e.$type === 'bpmn:StartEvent' && timerOf(e));
      const handStarts = starts.filter((e) => e.$type === 'bpmn:StartEvent' && !e.eventDefinitions);
      expect([timerStarts.length, handStarts.length], id).toEqual([1, 1]);
    }
    const followUp = (await load('conflict-mediation')).elements.find((e) => e.id === 'Timer_fourWeeks');
    expect(followUp && timerOf(followUp)).toBeTruthy();
  });
});
