import type { Locale } from '../../app/i18n-core.js';

type JsonObject = { [key: string]: unknown };

/** One process variable a form shows its reader as background, with a title in the reader's language. */
export interface ContextEntry {
  readonly name: string;
  readonly title: string;
  readonly value: unknown;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A declared title: a string, or `{ en, zh }` read in the reader's language. */
function titleIn(title: unknown, locale: Locale): string | undefined {
  if (typeof title === 'string') return title;
  if (isObject(title)) {
    const text = title[locale] ?? title.en;
    return typeof text === 'string' ? text : undefined;
  }
  return undefined;
}

/** The title a form's own schema gives a root property (translated by the form's i18n), if any. */
function schemaTitle(
  name: string,
  schema: JsonObject | null | undefined,
  texts: Record<string, string> | null | undefined,
): string | undefined {
  const translated = texts?.[`/properties/${name.replaceAll('~', '~0').replaceAll('/', '~1')}/title`];
  if (translated) return translated;
  const properties = schema?.properties;
  const property = isObject(properties) ? properties[name] : undefined;
  return isObject(property) && typeof property.title === 'string' ? property.title : undefined;
}

/**
 * The root variables a uiSchema lists under `key` (`"ui:context"` or `"ui:headline"`), each a
 * name or `{ "name": "positionA", "title": { "en": "Position of party A", "zh": "甲方立场" } }`,
 * with their values. Without a declared title, the form schema's own title of that property (in
 * the reader's language), else the name.
 */
export function declaredVariables(
  key: 'ui:context' | 'ui:headline',
  form: { schema?: JsonObject | null; uiSchema?: JsonObject | null } | null | undefined,
  variables: JsonObject,
  locale: Locale,
  texts?: Record<string, string> | null,
): ContextEntry[] {
  const declared = form?.uiSchema?.[key];
  if (!Array.isArray(declared)) return [];
  const entries: ContextEntry[] = [];
  for (const item of declared) {
    const name =
      typeof item === 'string' ? item : isObject(item) && typeof item.name === 'string' ? item.name : null;
    if (!name) continue;
    const title =
      (isObject(item) ? titleIn(item.title, locale) : undefined) ??
      schemaTitle(name, form?.schema, texts) ??
      name;
    entries.push({ name, title, value: variables[name] });
  }
  return entries;
}

/** A short one-line text of a variable's value (for the inbox headline). */
export function shortText(value: unknown, max = 80): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
