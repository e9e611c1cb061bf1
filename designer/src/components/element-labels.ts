const BPMN_MODEL_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

/** What a timeline can say about one BPMN element: its name, else its kind (`userTask`, ...). */
export interface ElementLabel {
  readonly name: string | null;
  readonly kind: string;
}

/** BPMN element id -> label, read from a definition's XML. */
export type ElementLabels = ReadonlyMap<string, ElementLabel>;

/** The minimal XML parser this needs; the browser's `DOMParser` fits. */
export interface XmlParser {
  parseFromString(text: string, type: 'application/xml'): Document;
}

/**
 * Reads the `name` of every BPMN model element (tasks, events, gateways, flows, lanes) by id.
 * Diagram-interchange shapes share ids' neighbourhood but are skipped: only the model namespace
 * counts. Names drawn on several lines in the modeler come back on one.
 */
export function elementLabels(xml: string, parser: XmlParser = new DOMParser()): ElementLabels {
  const labels = new Map<string, ElementLabel>();
  if (!xml) return labels;
  const document = parser.parseFromString(xml, 'application/xml');
  for (const element of Array.from(document.getElementsByTagNameNS(BPMN_MODEL_NS, '*'))) {
    const id = element.getAttribute('id');
    if (!id) continue;
    const name = element.getAttribute('name')?.replace(/\s+/g, ' ').trim() || null;
    labels.set(id, { name, kind: element.localName });
  }
  return labels;
}
