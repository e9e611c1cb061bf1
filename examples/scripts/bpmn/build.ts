import { layout } from './layout.js';
import type { Bounds, NodeSpec, ProcessSpec } from './types.js';
import { esc } from './xml.js';

/** Renders a process spec as Zeebe-flavoured BPMN 2.0 XML with its diagram. */
export function buildBpmn(spec: ProcessSpec): string {
  const geometry = layout(spec);
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  for (const f of spec.flows) {
    outgoing.set(f.from, [...(outgoing.get(f.from) ?? []), f.id]);
    incoming.set(f.to, [...(incoming.get(f.to) ?? []), f.id]);
  }
  const defaults = new Map(spec.flows.filter((f) => f.isDefault).map((f) => [f.from, f.id]));

  const renderNode = (n: NodeSpec, indent: string): string => {
    const attributes: Record<string, string> = { id: n.id, ...(n.name ? { name: n.name } : {}), ...n.attrs };
    const defaultFlow = defaults.get(n.id);
    if (defaultFlow) attributes.default = defaultFlow;
    if (n.kind === 'boundaryEvent') {
      attributes.attachedToRef = n.attachedTo ?? '';
      if (n.cancelActivity === false) attributes.cancelActivity = 'false';
    }
    const head = `<bpmn:${n.kind}${Object.entries(attributes)
      .map(([k, v]) => ` ${k}="${esc(v)}"`)
      .join('')}>`;
    const children: string[] = [];
    if (n.doc) children.push(`<bpmn:documentation>${esc(n.doc)}</bpmn:documentation>`);
    if (n.ext?.length) children.push(`<bpmn:extensionElements>${n.ext.join('')}</bpmn:extensionElements>`);
    for (const id of incoming.get(n.id) ?? []) children.push(`<bpmn:incoming>${id}</bpmn:incoming>`);
    for (const id of outgoing.get(n.id) ?? []) children.push(`<bpmn:outgoing>${id}</bpmn:outgoing>`);
    if (n.kind === 'subProcess') {
      for (const child of spec.nodes.filter((c) => c.parent === n.id))
        children.push(renderNode(child, `${indent}  `));
      for (const f of flowsIn(n.id)) children.push(renderFlow(f));
    }
    children.push(...(n.body ?? []));
    return `${indent}${head}\n${children.map((c) => `${indent}  ${c.trim()}`).join('\n')}\n${indent}</bpmn:${n.kind}>`;
  };

  const parentOf = new Map(spec.nodes.map((n) => [n.id, n.parent]));
  const flowsIn = (scope: string | undefined) => spec.flows.filter((f) => parentOf.get(f.from) === scope);
  const renderFlow = (f: ProcessSpec['flows'][number]): string => {
    const name = f.name ? ` name="${esc(f.name)}"` : '';
    const head = `<bpmn:sequenceFlow id="${f.id}"${name} sourceRef="${f.from}" targetRef="${f.to}"`;
    if (!f.when) return `${head} />`;
    return `${head}>\n<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(f.when)}</bpmn:conditionExpression>\n</bpmn:sequenceFlow>`;
  };

  const laneXml = spec.lanes.map((lane) => {
    const refs = spec.nodes
      .filter((n) => !n.parent && (n.lane ?? laneOfHost(spec, n)) === lane.name)
      .map((n) => `        <bpmn:flowNodeRef>${n.id}</bpmn:flowNodeRef>`);
    return `      <bpmn:lane id="Lane_${lane.name}" name="${esc(lane.name)}">\n${refs.join('\n')}\n      </bpmn:lane>`;
  });

  const topNodes = spec.nodes.filter((n) => !n.parent).map((n) => renderNode(n, '    '));
  const topFlows = flowsIn(undefined).map(
    (f) =>
      `    ${renderFlow(f)
        .replaceAll('\n', '\n      ')
        .replace(/\n {6}<\/bpmn:sequenceFlow>/, '\n    </bpmn:sequenceFlow>')}`,
  );

  const shape = (id: string, b: Bounds, extra = '', labelAbove = false): string => {
    const label = labelAbove
      ? `\n        <bpmndi:BPMNLabel>\n          <dc:Bounds x="${b.x + b.width / 2 - 45}" y="${b.y - 32}" width="90" height="27" />\n        </bpmndi:BPMNLabel>`
      : '';
    return `      <bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"${extra}>\n        <dc:Bounds x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" />${label}\n      </bpmndi:BPMNShape>`;
  };
  const shapes = [
    shape(`Participant_${spec.id}`, geometry.pool, ' isHorizontal="true"'),
    ...spec.lanes.map((l) =>
      shape(`Lane_${l.name}`, geometry.lanes.get(l.name) as Bounds, ' isHorizontal="true"'),
    ),
    ...spec.nodes.map((n) => {
      const extra =
        n.kind === 'subProcess'
          ? ' isExpanded="true"'
          : n.kind === 'exclusiveGateway'
            ? ' isMarkerVisible="true"'
            : '';
      return shape(
        n.id,
        geometry.nodes.get(n.id) as Bounds,
        extra,
        n.labelAbove ?? (n.kind === 'boundaryEvent' && n.side === 'top'),
      );
    }),
  ];
  const edges = spec.flows.map((f) => {
    const points = (geometry.flows.get(f.id) ?? []).map(
      (pt) => `        <di:waypoint x="${pt.x}" y="${pt.y}" />`,
    );
    return `      <bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}">\n${points.join('\n')}\n      </bpmndi:BPMNEdge>`;
  });

  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${spec.id}" targetNamespace="https://baton.dev/templates/${spec.id}" exporter="Baton template builder" exporterVersion="1.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
  <bpmn:collaboration id="Collaboration_${spec.id}">
    <bpmn:participant id="Participant_${spec.id}" name="${esc(spec.name)}" processRef="${spec.id}" />
  </bpmn:collaboration>
  <bpmn:process id="${spec.id}" name="${esc(spec.name)}" isExecutable="true">
    <bpmn:documentation>${esc(spec.doc)}</bpmn:documentation>
    <bpmn:laneSet id="LaneSet_${spec.id}">
${laneXml.join('\n')}
    </bpmn:laneSet>
${topNodes.join('\n')}
${topFlows.join('\n')}
  </bpmn:process>
${(spec.rootElements ?? []).map((r) => `  ${r}`).join('\n')}
  <bpmndi:BPMNDiagram id="Diagram_${spec.id}">
    <bpmndi:BPMNPlane id="Plane_${spec.id}" bpmnElement="Collaboration_${spec.id}">
${shapes.join('\n')}
${edges.join('\n')}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`.replace(/\n\s*\n/g, '\n');
}

function laneOfHost(spec: ProcessSpec, n: NodeSpec): string | undefined {
  if (n.kind !== 'boundaryEvent') return undefined;
  const host = spec.nodes.find((h) => h.id === n.attachedTo);
  return host?.lane;
}
