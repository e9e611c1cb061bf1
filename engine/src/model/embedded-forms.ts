import { createHash } from 'node:crypto';
import { convertFormJs } from '@baton/schemas';
import type { IssueCollector } from './issues.js';
import { attr, extension, extensions, type ModdleNode } from './moddle.js';
import type { ActivityElement, EmbeddedForm, Element } from './types.js';

/**
 * Camunda 8's embedded forms: a `zeebe:userTaskForm` in the process's extension elements holds a
 * Camunda Form (form-js JSON), and a user task shows it through
 * `zeebe:formDefinition formKey="camunda-forms:bpmn:<userTaskForm id>"`. Each referenced form is
 * converted to a Baton form at deploy (see `convertFormJs`); a component that cannot be converted
 * is a deploy problem on every user task that shows the form.
 *
 * The converted form's id is derived from the process id, the `zeebe:userTaskForm` id and the form's
 * source text (`camunda-form-<sha-256 prefix>`), so a redeploy of the same form reuses it and a
 * changed form gets a new id: a running instance of an older version keeps the form it was started
 * with, and recompiling an old definition gives its tasks the same id again.
 */
export const EMBEDDED_FORM_KEY = 'camunda-forms:bpmn:';

/** Links the user tasks that show an embedded form to its converted version; returns the forms. */
export function resolveEmbeddedForms(
  process: ModdleNode,
  userTasks: readonly ModdleNode[],
  elements: Record<string, Element>,
  issues: IssueCollector,
): EmbeddedForm[] {
  const bodies = new Map<string, string>();
  for (const value of extensions(process)) {
    const id = attr(value, 'id')?.trim();
    if (value.$type === 'zeebe:UserTaskForm' && id && !bodies.has(id))
      bodies.set(id, attr(value, 'body') ?? '');
  }
  const users = new Map<string, string[]>();
  for (const node of userTasks) {
    const formKey = attr(extension(node, 'zeebe:FormDefinition'), 'formKey')?.trim();
    if (!node.id || !formKey?.startsWith(EMBEDDED_FORM_KEY)) continue;
    const key = formKey.slice(EMBEDDED_FORM_KEY.length);
    if (!bodies.has(key)) {
      issues.add(
        node.id,
        'reference.missing',
        `formKey '${formKey}' names no zeebe:userTaskForm of the process`,
      );
      continue;
    }
    users.set(key, [...(users.get(key) ?? []), node.id]);
  }
  const forms: EmbeddedForm[] = [];
  for (const [key, elementIds] of users) {
    const form = convert(key, bodies.get(key) ?? '', process.id ?? '', elementIds, issues);
    if (!form) continue;
    forms.push(form);
    for (const elementId of elementIds) {
      const element = elements[elementId] as ActivityElement | undefined;
      if (element?.userTask)
        elements[elementId] = { ...element, userTask: { ...element.userTask, formId: form.formId } };
    }
  }
  return forms;
}

function convert(
  key: string,
  body: string,
  processId: string,
  elementIds: readonly string[],
  issues: IssueCollector,
): EmbeddedForm | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    for (const id of elementIds)
      issues.add(id, 'form.invalid', `the embedded form '${key}' is not JSON: ${reason}`);
    return undefined;
  }
  const { schema, uiSchema, problems, warnings } = convertFormJs(json);
  const where = (c: { componentId: string; componentType: string }) =>
    `embedded form '${key}', component '${c.componentId}' (${c.componentType})`;
  for (const id of elementIds) {
    for (const p of problems) issues.add(id, 'form.unsupported', `${where(p)}: ${p.message}`);
    for (const w of warnings) issues.warn(id, 'form.ignored', `${where(w)}: ${w.message}`);
  }
  if (problems.length > 0) return undefined;
  const name = `${key} (${processId})`;
  // From the source, not the conversion: a later converter gives the form of an old definition the
  // id its tasks already carry.
  const hash = createHash('sha256').update(`${processId}\n${key}\n${body}`).digest('hex');
  return { formId: `camunda-form-${hash.slice(0, 32)}`, key, name, schema, uiSchema, elementIds };
}
