import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateManifest } from '@baton/schemas';

/** One form of a template, ready to save: English `name`/`schema`, Chinese `schemaZh`. */
export interface TemplateForm {
  readonly formId: string;
  /** English name (what the forms API stores). */
  readonly name: string;
  readonly names: { readonly en: string; readonly zh: string };
  /** JSON Schema with English titles: the one that validates. */
  readonly schema: Record<string, unknown>;
  /** The same schema with Chinese titles and descriptions. */
  readonly schemaZh: Record<string, unknown>;
  readonly uiSchema: Record<string, unknown>;
  /** Locale -> JSON pointer into `schema` -> text, as stored in the form file. */
  readonly i18n: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A built-in template: its manifest, its BPMN and its forms. */
export interface Template {
  readonly manifest: TemplateManifest;
  readonly xml: string;
  readonly forms: readonly TemplateForm[];
}

interface FormFile {
  readonly formId: string;
  readonly name: { readonly en: string; readonly zh: string };
  readonly schema: Record<string, unknown>;
  readonly uiSchema?: Record<string, unknown>;
  readonly i18n?: Record<string, Record<string, string>>;
}

/** Reads one template folder (`template.json`, `process.bpmn`, `forms/*.json`). */
export function loadTemplate(dir: string): Template {
  const manifest = JSON.parse(readFileSync(join(dir, 'template.json'), 'utf8')) as TemplateManifest;
  const xml = readFileSync(join(dir, 'process.bpmn'), 'utf8');
  const forms = readdirSync(join(dir, 'forms'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => toTemplateForm(JSON.parse(readFileSync(join(dir, 'forms', file), 'utf8')) as FormFile));
  return { manifest, xml, forms };
}

function toTemplateForm(file: FormFile): TemplateForm {
  const i18n = file.i18n ?? {};
  return {
    formId: file.formId,
    name: file.name.en,
    names: file.name,
    schema: file.schema,
    schemaZh: translate(file.schema, i18n.zh ?? {}),
    uiSchema: file.uiSchema ?? {},
    i18n,
  };
}

/**
 * Returns a copy of `schema` with each pointer's text replaced. Throws on a pointer that does not
 * reach an existing string, so a renamed field cannot silently lose its translation.
 */
export function translate(
  schema: Record<string, unknown>,
  texts: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const copy = structuredClone(schema);
  for (const [pointer, text] of Object.entries(texts)) {
    const path = pointer.split('/').slice(1).map(unescapePointer);
    const key = path.pop();
    let node: unknown = copy;
    for (const segment of path) node = (node as Record<string, unknown> | undefined)?.[segment];
    if (
      key === undefined ||
      typeof node !== 'object' ||
      node === null ||
      typeof (node as Record<string, unknown>)[key] !== 'string'
    ) {
      throw new Error(`translation pointer ${pointer} does not reach a text in the schema`);
    }
    (node as Record<string, unknown>)[key] = text;
  }
  return copy;
}

const unescapePointer = (segment: string): string => segment.replaceAll('~1', '/').replaceAll('~0', '~');
