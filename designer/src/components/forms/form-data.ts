import type { RJSFValidationError } from '@rjsf/utils';
import type { JsonObject, Variables } from '../../api/types.js';

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The fields a form declares it reads from the process (`"ui:prefill": ["goal", ...]` at the root
 * of its uiSchema): typically a person's own earlier answers when a step comes back to them.
 * Nothing else is prefilled: a process variable that merely shares a field's name may be another
 * person's answer.
 */
export function prefillFields(uiSchema: JsonObject | null | undefined): string[] {
  const declared = uiSchema?.['ui:prefill'];
  return Array.isArray(declared) ? declared.filter((f): f is string => typeof f === 'string') : [];
}

/**
 * The data a task's form opens with: the declared fields from its variables, overlaid by the
 * task's saved draft, limited to the form's fields.
 *
 * @example openingData({ comment: 'theirs' }, null, { properties: { comment: {} } }, {}) // {}
 */
export function openingData(
  variables: Variables,
  draft: Variables | null | undefined,
  schema: JsonObject | null | undefined,
  uiSchema: JsonObject | null | undefined,
): Variables {
  const fromProcess: Variables = {};
  for (const field of prefillFields(uiSchema)) {
    const value = variables[field];
    if (value !== undefined && value !== null) fromProcess[field] = value;
  }
  const merged: Variables = { ...fromProcess, ...(draft ?? {}) };
  const properties = schema?.properties;
  if (!isObject(properties)) return merged;
  return Object.fromEntries(Object.entries(merged).filter(([key]) => Object.hasOwn(properties, key)));
}

/**
 * The uiSchema with every `"ui:options": { "userPicker": true }` field (at any depth, array items
 * included) rendered by the user picker widget, unless it names another widget.
 */
export function withUserPickers(uiSchema: JsonObject | null | undefined): JsonObject {
  if (!uiSchema) return {};
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(uiSchema))
    out[key] = isObject(value) && !key.startsWith('ui:') ? withUserPickers(value) : value;
  const options = uiSchema['ui:options'];
  if (isObject(options) && options.userPicker === true && out['ui:widget'] === undefined)
    out['ui:widget'] = 'user';
  return out;
}

/** Applies `{ "/json/pointer": "text" }` translations (titles, descriptions, option titles) to a copy of a schema. */
export function localizeSchema(
  schema: JsonObject,
  texts: Record<string, string> | null | undefined,
): JsonObject {
  if (!texts) return schema;
  const copy = structuredClone(schema) as JsonObject;
  for (const [pointer, text] of Object.entries(texts)) {
    const segments = pointer
      .split('/')
      .slice(1)
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = segments.pop();
    if (last === undefined) continue;
    let node: unknown = copy;
    for (const segment of segments) {
      node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined;
    }
    if (isObject(node) && (node[last] === undefined || typeof node[last] === 'string')) node[last] = text;
  }
  return copy;
}

/** The title of the field at an rjsf property path (`.goal.target`, `.actions.0.owner`), else its name. */
export function fieldTitle(schema: JsonObject, property: string | undefined): string {
  const segments = (property ?? '').split('.').filter(Boolean);
  let node: unknown = schema;
  for (const segment of segments) {
    if (!isObject(node)) return segment;
    if (/^\d+$/.test(segment) && node.items !== undefined) node = node.items;
    else node = isObject(node.properties) ? node.properties[segment] : undefined;
  }
  if (isObject(node) && typeof node.title === 'string' && segments.length > 0) return node.title;
  return segments.at(-1) ?? '';
}

/** The wording keys of {@link humanMessage}; each language's dictionary gives the text. */
export type FormErrorKey =
  | 'formError.required'
  | 'formError.minLength'
  | 'formError.maxLength'
  | 'formError.range'
  | 'formError.minItems'
  | 'formError.maxItems'
  | 'formError.pattern'
  | 'formError.format'
  | 'formError.type'
  | 'formError.choose'
  | 'formError.mustTick'
  | 'formError.uniqueItems'
  | 'formError.invalid';

/** Which message an rjsf validation error gets, and its parameters (the field's title included). */
export function humanMessage(
  error: RJSFValidationError,
  schema: JsonObject,
): { key: FormErrorKey; params: Record<string, string | number> } {
  const field = fieldTitle(schema, error.property);
  const params = (error.params ?? {}) as Record<string, unknown>;
  const limit = typeof params.limit === 'number' ? params.limit : 0;
  switch (error.name) {
    case 'required':
      return { key: 'formError.required', params: { field } };
    case 'minLength':
      return limit <= 1
        ? { key: 'formError.required', params: { field } }
        : { key: 'formError.minLength', params: { field, limit } };
    case 'maxLength':
      return { key: 'formError.maxLength', params: { field, limit } };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        key: 'formError.range',
        params: { field, comparison: String(params.comparison ?? ''), limit },
      };
    case 'minItems':
      return { key: 'formError.minItems', params: { field, limit } };
    case 'maxItems':
      return { key: 'formError.maxItems', params: { field, limit } };
    case 'pattern':
      return { key: 'formError.pattern', params: { field } };
    case 'format':
      return { key: 'formError.format', params: { field, format: String(params.format ?? '') } };
    case 'type':
      return { key: 'formError.type', params: { field } };
    case 'const':
      return params.allowedValue === true
        ? { key: 'formError.mustTick', params: { field } }
        : { key: 'formError.choose', params: { field } };
    case 'enum':
    case 'oneOf':
    case 'anyOf':
      return { key: 'formError.choose', params: { field } };
    case 'uniqueItems':
      return { key: 'formError.uniqueItems', params: { field } };
    default:
      return { key: 'formError.invalid', params: { field } };
  }
}
