import { createRequire } from 'node:module';
import * as bpmnModdle from 'bpmn-moddle';

/** A bpmn-moddle element, loosely typed: tests only read it. */
export interface Node {
  readonly $type: string;
  readonly id: string;
  readonly name?: string;
  readonly [key: string]: unknown;
}

// bpmn-moddle 10 exports the class by name, 9 (what the root resolves for bpmn-js) as default.
const BpmnModdle = bpmnModdle.BpmnModdle ?? bpmnModdle.default;
const zeebe: unknown = createRequire(import.meta.url)('zeebe-bpmn-moddle/resources/zeebe.json');

/** Parses with the Zeebe extensions, as the engine does. */
export async function parse(
  xml: string,
): Promise<{ definitions: Node; warnings: readonly Error[]; byId: Record<string, Node> }> {
  const result = await new BpmnModdle({ zeebe }).fromXML(xml, 'bpmn:Definitions');
  return {
    definitions: result.rootElement as Node,
    warnings: result.warnings,
    byId: result.elementsById as Record<string, Node>,
  };
}

/** Every flow element of the process, subprocess contents included. */
export function flowElements(container: Node): Node[] {
  const own = (container.flowElements as Node[] | undefined) ?? [];
  return own.flatMap((e) => [e, ...(e.$type === 'bpmn:SubProcess' ? flowElements(e) : [])]);
}

/** The zeebe extension elements of an element, by type (`zeebe:FormDefinition`). */
export function extension(element: Node, type: string): Node | undefined {
  const values = ((element.extensionElements as Node | undefined)?.values as Node[] | undefined) ?? [];
  return values.find((v) => v.$type === type);
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

export const contains = (outer: Box, inner: Box): boolean =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;
