import type { DeployIssueDto } from '@baton/schemas';

// Finds which user task or start event names a form, to pin "form not found" on that element.
// A plain scan of the XML text (the engine has already parsed it properly by the time this runs);
// if it finds nothing, the issue is pinned on the process.
//
// Every pattern here is linear over the document: a tag's attributes stop at the next `<` or `>`,
// and each element's body is scanned once, between its own start and end tags. (A lazy
// `<userTask>[\s\S]*?</userTask>` would rescan to the end of the file for every start tag that is
// never closed: 1 MB of `<userTask>` took 24 s.)
const TAG = /<(\/?)(?:[\w-]+:)?(userTask|startEvent)\b([^<>]*)>/g;
const ID = /\bid="([^"<>]+)"/;
const FORM_ID = /\bformId="([^"<>]+)"/g;

/** Element id -> form ids it references. */
export function formReferences(xml: string): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  // The open element of each kind: its id and where its body starts. BPMN does not nest a user
  // task or a start event in one of its own kind, so one per kind is enough.
  const open = new Map<string, { id: string | undefined; bodyStart: number }>();
  for (const tag of xml.matchAll(TAG)) {
    const [text, closing, kind = '', attributes = ''] = tag;
    if (closing) {
      const element = open.get(kind);
      open.delete(kind);
      if (!element?.id) continue;
      const body = xml.slice(element.bodyStart, tag.index);
      const formIds = [...body.matchAll(FORM_ID)].map((f) => f[1] ?? '');
      if (formIds.length > 0) refs.set(element.id, [...(refs.get(element.id) ?? []), ...formIds]);
    } else if (!attributes.endsWith('/') && !open.has(kind)) {
      open.set(kind, { id: ID.exec(attributes)?.[1], bodyStart: tag.index + text.length });
    }
  }
  return refs;
}

/** A deploy issue for every form id that no saved form has. */
export function missingFormIssues(
  xml: string,
  processes: readonly { processId: string; formIds: readonly string[] }[],
  existing: ReadonlySet<string>,
): DeployIssueDto[] {
  const refs = formReferences(xml);
  const issues: DeployIssueDto[] = [];
  for (const p of processes) {
    for (const formId of p.formIds) {
      if (existing.has(formId)) continue;
      const users = [...refs].filter(([, ids]) => ids.includes(formId)).map(([id]) => id);
      for (const elementId of users.length > 0 ? users : [p.processId]) {
        issues.push({
          elementId,
          code: 'FORM_NOT_FOUND',
          message: `No form '${formId}' exists; save it before deploying`,
        });
      }
    }
  }
  return issues;
}
