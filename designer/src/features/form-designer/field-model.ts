import type { Json } from '../../api/types.js';
import { linearPattern } from '../../components/forms/linear-patterns.js';

/** The field kinds the builder offers; each maps to one JSON Schema + uiSchema shape. */
export const FIELD_KINDS = [
  'text',
  'textarea',
  'number',
  'date',
  'select',
  'multiselect',
  'checkbox',
  'email',
  'url',
  'user',
  'repeat',
  'group',
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** One field as the builder edits it. `uid` is a stable React key; `key` is the property name. */
export interface FieldDef {
  uid: string;
  key: string;
  kind: FieldKind;
  title: string;
  required: boolean;
  description: string;
  readOnly: boolean;
  /** The default as typed; converted per kind (comma-separated for multi-select). */
  defaultValue: string;
  /** Number: minimum/maximum; text: minLength/maxLength; lists: minItems/maxItems. */
  min?: number;
  max?: number;
  pattern: string;
  options: string[];
  children: FieldDef[];
}

type JsonObject = { [key: string]: Json };

const STRING_KINDS = new Set<FieldKind>(['text', 'textarea', 'email', 'url', 'user', 'date', 'select']);
const CONTAINER_KINDS = new Set<FieldKind>(['repeat', 'group']);

let counter = 0;
/** A fresh field of a kind with a unique, editable property name. */
export function newField(kind: FieldKind, existingKeys: readonly string[] = []): FieldDef {
  counter += 1;
  let index = existingKeys.length + 1;
  while (existingKeys.includes(`${kind}${index}`)) index += 1;
  return {
    uid: `f${Date.now().toString(36)}${counter}`,
    key: `${kind}${index}`,
    kind,
    title: '',
    required: false,
    description: '',
    readOnly: false,
    defaultValue: '',
    pattern: '',
    options: kind === 'select' || kind === 'multiselect' ? ['option1', 'option2'] : [],
    children: [],
  };
}

function defaultFor(field: FieldDef): Json | undefined {
  const raw = field.defaultValue.trim();
  if (raw === '') return undefined;
  switch (field.kind) {
    case 'number': {
      const value = Number(raw);
      return Number.isFinite(value) ? value : undefined;
    }
    case 'checkbox':
      return raw === 'true';
    case 'multiselect':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'repeat':
    case 'group':
      return undefined;
    default:
      return field.defaultValue;
  }
}

function objectOf(fields: readonly FieldDef[]): { schema: JsonObject; ui: JsonObject } {
  const properties: JsonObject = {};
  const ui: JsonObject = {};
  const required: string[] = [];
  for (const field of fields) {
    const built = fieldToSchema(field);
    properties[field.key] = built.schema;
    if (Object.keys(built.ui).length > 0) ui[field.key] = built.ui;
    if (field.required) required.push(field.key);
  }
  const schema: JsonObject = { type: 'object', properties };
  if (required.length > 0) schema.required = required;
  ui['ui:order'] = [...fields.map((f) => f.key), '*'];
  return { schema, ui };
}

function fieldToSchema(field: FieldDef): { schema: JsonObject; ui: JsonObject } {
  let schema: JsonObject;
  const ui: JsonObject = {};
  switch (field.kind) {
    case 'text':
    case 'textarea':
    case 'user':
      schema = { type: 'string' };
      if (field.kind !== 'text') ui['ui:widget'] = field.kind;
      break;
    case 'email':
      schema = { type: 'string', format: 'email' };
      break;
    case 'url':
      schema = { type: 'string', format: 'uri' };
      break;
    case 'date':
      schema = { type: 'string', format: 'date' };
      break;
    case 'number':
      schema = { type: 'number' };
      break;
    case 'checkbox':
      schema = { type: 'boolean' };
      break;
    case 'select':
      schema = { type: 'string', enum: [...field.options] };
      break;
    case 'multiselect':
      schema = { type: 'array', items: { type: 'string', enum: [...field.options] }, uniqueItems: true };
      ui['ui:widget'] = 'checkboxes';
      break;
    case 'repeat': {
      const inner = objectOf(field.children);
      schema = { type: 'array', items: inner.schema };
      ui.items = inner.ui;
      break;
    }
    case 'group': {
      const inner = objectOf(field.children);
      schema = inner.schema;
      Object.assign(ui, inner.ui);
      break;
    }
  }
  if (field.title) schema.title = field.title;
  if (field.description) schema.description = field.description;
  if (field.readOnly) schema.readOnly = true;
  const fallback = defaultFor(field);
  if (fallback !== undefined) schema.default = fallback;
  const isString = STRING_KINDS.has(field.kind) && field.kind !== 'select';
  const isList = field.kind === 'repeat' || field.kind === 'multiselect';
  const [minName, maxName] =
    field.kind === 'number'
      ? ['minimum', 'maximum']
      : isList
        ? ['minItems', 'maxItems']
        : ['minLength', 'maxLength'];
  if ((isString || isList || field.kind === 'number') && field.min !== undefined) schema[minName] = field.min;
  if ((isString || isList || field.kind === 'number') && field.max !== undefined) schema[maxName] = field.max;
  if (isString && field.kind !== 'date' && field.pattern) schema.pattern = field.pattern;
  return { schema, ui };
}

/** Builds the JSON Schema and uiSchema of a form from its fields (in their order). */
export function buildForm(
  fields: readonly FieldDef[],
  title?: string,
): { schema: JsonObject; uiSchema: JsonObject } {
  const built = objectOf(fields);
  const schema: JsonObject = title ? { title, ...built.schema } : built.schema;
  return { schema, uiSchema: built.ui };
}

/**
 * The form-level uiSchema settings the builder has no fields for (`ui:prefill`, `ui:context`,
 * `ui:headline`, submit button options, …): kept as they are when the builder rebuilds the
 * uiSchema from its fields, so editing a field never drops them. `ui:order` is the builder's own.
 */
export function formLevelUi(uiSchema: JsonObject): JsonObject {
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(uiSchema)) {
    if (key.startsWith('ui:') && key !== 'ui:order' && value !== undefined) kept[key] = value;
  }
  return kept;
}

function asObject(value: Json | undefined): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function kindOf(schema: JsonObject, ui: JsonObject): FieldKind {
  const widget = ui['ui:widget'];
  if (schema.type === 'array') {
    const items = asObject(schema.items);
    return items.type === 'object' ? 'repeat' : 'multiselect';
  }
  if (schema.type === 'object') return 'group';
  if (schema.type === 'number' || schema.type === 'integer') return 'number';
  if (schema.type === 'boolean') return 'checkbox';
  if (Array.isArray(schema.enum)) return 'select';
  if (schema.format === 'date') return 'date';
  if (schema.format === 'email') return 'email';
  if (schema.format === 'uri' || schema.format === 'url') return 'url';
  if (widget === 'textarea') return 'textarea';
  if (widget === 'user') return 'user';
  return 'text';
}

function numberOr(value: Json | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Reads a schema back into builder fields (best effort; unknown keywords stay in the raw JSON tab). */
export function parseForm(schema: JsonObject, uiSchema: JsonObject = {}): FieldDef[] {
  const properties = asObject(schema.properties);
  const required = Array.isArray(schema.required) ? schema.required : [];
  const order = Array.isArray(uiSchema['ui:order']) ? (uiSchema['ui:order'] as Json[]) : [];
  const keys = Object.keys(properties);
  const ordered = [
    ...order.filter((k): k is string => typeof k === 'string' && keys.includes(k)),
    ...keys.filter((k) => !order.includes(k)),
  ];
  return ordered.map((key) => {
    const prop = asObject(properties[key]);
    const ui = asObject(uiSchema[key]);
    const kind = kindOf(prop, ui);
    const field = newField(kind);
    field.key = key;
    field.title = typeof prop.title === 'string' ? prop.title : '';
    field.description = typeof prop.description === 'string' ? prop.description : '';
    field.required = required.includes(key);
    field.readOnly = prop.readOnly === true;
    field.pattern = typeof prop.pattern === 'string' ? prop.pattern : '';
    field.min = numberOr(prop.minimum) ?? numberOr(prop.minLength) ?? numberOr(prop.minItems);
    field.max = numberOr(prop.maximum) ?? numberOr(prop.maxLength) ?? numberOr(prop.maxItems);
    const fallback = prop.default;
    field.defaultValue =
      fallback === undefined || fallback === null
        ? ''
        : Array.isArray(fallback)
          ? fallback.join(', ')
          : String(fallback);
    if (kind === 'select') field.options = (prop.enum as Json[]).map(String);
    if (kind === 'multiselect') {
      const items = asObject(prop.items);
      field.options = Array.isArray(items.enum) ? items.enum.map(String) : [];
    }
    if (kind === 'repeat') field.children = parseForm(asObject(prop.items), asObject(ui.items));
    if (kind === 'group') field.children = parseForm(prop, ui);
    return field;
  });
}

/** True for kinds that hold child fields. */
export function isContainer(kind: FieldKind): boolean {
  return CONTAINER_KINDS.has(kind);
}

/** Problems that would make a broken form: duplicate or invalid property names, empty options. */
export function checkFields(fields: readonly FieldDef[], path = ''): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const field of fields) {
    const where = path ? `${path}.${field.key}` : field.key;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(field.key)) problems.push(`${where}: invalid name`);
    if (seen.has(field.key)) problems.push(`${where}: duplicate name`);
    seen.add(field.key);
    if ((field.kind === 'select' || field.kind === 'multiselect') && field.options.length === 0)
      problems.push(`${where}: no options`);
    if (field.pattern) {
      let parses = true;
      try {
        new RegExp(field.pattern, 'u'); // compiled only, never run: that is linear-time work
      } catch {
        parses = false;
      }
      // Patterns run on RE2 (server and browser alike); the server refuses the others on save.
      if (!parses) problems.push(`${where}: invalid pattern`);
      else if (!linearPattern(field.pattern))
        problems.push(`${where}: pattern uses backreferences or lookarounds, which are not supported`);
    }
    if (isContainer(field.kind)) problems.push(...checkFields(field.children, where));
  }
  return problems;
}
