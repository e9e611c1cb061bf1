/** What changed between two versions of a diagram, by element id. */
export interface DiagramDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Compares two `id -> signature` maps. */
export function compareSignatures(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): DiagramDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [id, signature] of after) {
    const old = before.get(id);
    if (old === undefined) added.push(id);
    else if (old !== signature) changed.push(id);
  }
  for (const id of before.keys()) if (!after.has(id)) removed.push(id);
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}

const BPMN_MODEL = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

/**
 * Signatures of the semantic elements of a BPMN file: each element's attributes plus its
 * id-less children (conditions, extension elements), so a change inside a task shows as that
 * task, and layout-only moves (BPMNDI) are not reported.
 */
export function elementSignatures(xml: string): Map<string, string> {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const signatures = new Map<string, string>();
  const serializer = new XMLSerializer();
  for (const element of Array.from(doc.getElementsByTagNameNS(BPMN_MODEL, '*'))) {
    const id = element.getAttribute('id');
    if (!id || element.localName === 'definitions') continue;
    const clone = element.cloneNode(true) as Element;
    for (const child of Array.from(clone.querySelectorAll('[id]'))) child.remove();
    dropBlankText(clone);
    signatures.set(id, serializer.serializeToString(clone).replace(/\s+/g, ' ').trim());
  }
  return signatures;
}

/** Formatting differs between saves (pretty-printed or not): whitespace-only text is not content. */
function dropBlankText(node: Node): void {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE && !child.textContent?.trim()) child.remove();
    else dropBlankText(child);
  }
}

/** Diffs two BPMN XML documents. */
export function diffXml(deployedXml: string, currentXml: string): DiagramDiff {
  return compareSignatures(elementSignatures(deployedXml), elementSignatures(currentXml));
}
