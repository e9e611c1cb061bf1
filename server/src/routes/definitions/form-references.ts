import type { DeployIssueDto } from '@baton/schemas';

// Finds which user task or start event names a form, to pin "form not found" on that element.
// A plain scan of the XML text (the engine has already parsed it properly by the time this runs);
// if it finds nothing, the issue is pinned on the process.
const ELEMENT = /<(?:[\w-]+:)?(userTask|startEvent)\b([^>]*)>([\s\S]*?)<\/(?:[\w-]+:)?\1>/g;
const ID = /\bid="([^"]+)"/;
const FORM_ID = /\bformId="([^"]+)"/g;

/** Element id -> form ids it references. */
export function formReferences(xml: string): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  for (const m of xml.matchAll(ELEMENT)) {
    const id = ID.exec(m[2] ?? '')?.[1];
    if (!id) continue;
    const formIds = [...(m[3] ?? '').matchAll(FORM_ID)].map((f) => f[1] ?? '');
    if (formIds.length > 0) refs.set(id, formIds);
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
