/**
 * Camunda Forms (form-js, the `.form` files of Camunda Modeler and the JSON inside
 * `zeebe:userTaskForm`) converted to a Baton form: a draft 2020-12 JSON Schema plus an rjsf
 * uiSchema. Pure and shared: the engine converts embedded forms at deploy, the web app imports
 * `.form` files with the same function, so both give the same form.
 *
 * Variable names stay those Camunda would write: a field's `key` (dots make nested objects), a
 * group without `path` adds nothing, a group with `path` nests its fields in an object of that
 * name, a dynamic list is an array named by its `path`.
 *
 * What cannot be converted faithfully is reported, never dropped: a component type Baton does not
 * render (`iframe`, `html`, `image`, `expression`, `filepicker`, `table`, `documentPreview`, ...),
 * options from a variable (`valuesKey`), a FEEL expression where a value is expected, a
 * `conditional.hide` other than a comparison of a field beside it with a literal. Purely visual
 * components (`spacer`, `separator`) are skipped with a warning; `button` is the submit button
 * the task page already has.
 *
 * @example
 * const { schema, uiSchema, problems } = convertFormJs(JSON.parse(formFileText));
 */

/** A component that was not converted (problem) or was skipped (warning). */
export interface FormJsIssue {
  /** The component's `id` (or its `key`, or its position when it has neither). */
  readonly componentId: string;
  readonly componentType: string;
  readonly message: string;
}

export interface FormJsConversion {
  /** The form-js schema's own `id`, if any. */
  readonly id?: string;
  readonly schema: Record<string, unknown>;
  readonly uiSchema: Record<string, unknown>;
  /** Components that could not be converted: the form must not be used while any is listed. */
  readonly problems: readonly FormJsIssue[];
  /**
   * What is left out without harm to the data: purely visual components (`spacer`, `separator`),
   * and number settings that JSON Schema cannot check exactly (`decimalDigits`, a decimal `increment`).
   */
  readonly warnings: readonly FormJsIssue[];
}

/** A hostile or broken file cannot exhaust the stack or the memory of whoever converts it. */
export const FORM_JS_LIMITS = { maxDepth: 16, maxComponents: 1000 } as const;

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value quoted in a problem, cut short: ids and keys come from the file, at any length. */
const clip = (value: unknown): string => {
  const text = String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
};

/** The JSON Schema keyword for "after today" that Baton servers check (see form-meta). */
const FUTURE = 'x-baton-future';

const UNSUPPORTED: Readonly<Record<string, string>> = {
  iframe: 'embedded web pages are not supported',
  html: 'HTML views are not supported',
  image: 'images are not supported',
  expression: 'computed (FEEL expression) fields are not supported',
  filepicker: 'file uploads are not supported',
  table: 'tables are not supported',
  documentPreview: 'document previews are not supported',
};

const VISUAL = new Set(['spacer', 'separator']);

// A variable path as form-js writes it: names joined by dots.
const PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
// `=a = "x"`, `=a != 5`, `=a = true`: one field compared with one literal.
const COMPARISON = /^([A-Za-z_$][\w$.]*)\s*(!?=)\s*("[^"\\]*"|-?\d+(?:\.\d+)?|true|false)$/;
const NOT = /^not\(\s*([A-Za-z_$][\w$.]*)\s*\)$/;
const MAX_CONDITION = 500;

/** When a component is hidden: `field` (a path beside it) compared with `value`. */
interface Condition {
  readonly field: readonly string[];
  /** Hidden when the field equals the value (`=`) or differs from it (`!=`). */
  readonly hiddenWhenEqual: boolean;
  readonly value: string | number | boolean;
  readonly source: string;
}

interface FieldEntry {
  readonly kind: 'field';
  readonly schema: JsonObject;
  readonly ui: JsonObject;
  readonly required: boolean;
  condition?: Condition;
  readonly component: FormJsIssue;
}

interface ObjectEntry {
  readonly kind: 'object';
  readonly node: ObjectNode;
  title?: string;
  condition?: Condition;
  readonly component?: FormJsIssue;
}

interface ArrayEntry {
  readonly kind: 'array';
  readonly item: ObjectNode;
  readonly schema: JsonObject;
  readonly ui: JsonObject;
  condition?: Condition;
  readonly component: FormJsIssue;
}

type Entry = FieldEntry | ObjectEntry | ArrayEntry;

/** One JSON object of the data: the form's root, a group's `path`, an item of a dynamic list. */
interface ObjectNode {
  readonly entries: Map<string, Entry>;
  readonly texts: string[];
}

const newNode = (): ObjectNode => ({ entries: new Map(), texts: [] });

class Converter {
  readonly problems: FormJsIssue[] = [];
  readonly warnings: FormJsIssue[] = [];
  #count = 0;

  problem(component: FormJsIssue, message: string): void {
    this.problems.push({ ...component, message });
  }

  /** Places `components` into `node` under `prefix` (path names inside that object). */
  walk(
    components: Json,
    node: ObjectNode,
    prefix: readonly string[],
    depth: number,
    inherited: Condition | undefined,
    owner: FormJsIssue,
  ): void {
    if (components === undefined) return;
    if (!Array.isArray(components)) {
      this.problem(owner, '`components` must be a list');
      return;
    }
    if (depth > FORM_JS_LIMITS.maxDepth) {
      this.problem(owner, `groups and lists nest deeper than ${FORM_JS_LIMITS.maxDepth} levels`);
      return;
    }
    for (const [index, raw] of components.entries()) {
      this.#count += 1;
      if (this.#count > FORM_JS_LIMITS.maxComponents) {
        this.problem(owner, `the form has more than ${FORM_JS_LIMITS.maxComponents} components`);
        return;
      }
      this.component(raw, index, node, prefix, depth, inherited);
    }
  }

  component(
    raw: Json,
    index: number,
    node: ObjectNode,
    prefix: readonly string[],
    depth: number,
    inherited: Condition | undefined,
  ): void {
    const c = isObject(raw) ? raw : {};
    const type = typeof c.type === 'string' ? c.type : '';
    const name = typeof c.id === 'string' ? c.id : typeof c.key === 'string' ? c.key : `#${index}`;
    const ref: FormJsIssue = { componentId: clip(name), componentType: clip(type || '(none)'), message: '' };
    if (!isObject(raw) || type === '') {
      this.problem(ref, 'a component needs a `type`');
      return;
    }
    if (type === 'button') return;
    if (VISUAL.has(type)) {
      this.warnings.push({ ...ref, message: 'purely visual; not shown' });
      return;
    }
    const unsupported = UNSUPPORTED[type];
    if (unsupported) {
      this.problem(ref, unsupported);
      return;
    }
    const own = this.condition(c, ref);
    if (own === null) return;
    if (own && inherited) {
      this.problem(ref, 'a condition inside a group that has its own condition is not supported');
      return;
    }
    const condition = own ?? inherited;
    switch (type) {
      case 'text': {
        if (condition) this.problem(ref, 'a text view with a condition is not supported');
        else if (typeof c.text === 'string' && c.text.trim().startsWith('='))
          this.problem(ref, 'a text computed by a FEEL expression is not supported');
        else if (typeof c.text === 'string' && c.text.trim() !== '') node.texts.push(c.text.trim());
        return;
      }
      case 'group': {
        const path = this.optionalPath(c.path, ref);
        if (path === null) return;
        if (path.length === 0) {
          this.walk(c.components, node, prefix, depth + 1, condition, ref);
          return;
        }
        const target = this.objectAt(node, [...prefix, ...path.slice(0, -1)], ref);
        const last = path[path.length - 1] ?? '';
        if (!target) return;
        const existing = target.entries.get(last);
        if (existing && existing.kind !== 'object') {
          this.problem(ref, `'${clip(path.join('.'))}' is also the key of another field`);
          return;
        }
        const entry: ObjectEntry = existing ?? { kind: 'object', node: newNode(), component: ref };
        if (typeof c.label === 'string' && c.label) entry.title = c.label;
        if (condition) {
          if (entry.condition) {
            this.problem(ref, `the group '${clip(path.join('.'))}' has two conditions`);
            return;
          }
          entry.condition = condition;
        }
        target.entries.set(last, entry);
        this.walk(c.components, entry.node, [], depth + 1, undefined, ref);
        return;
      }
      case 'dynamiclist': {
        const path = this.optionalPath(c.path, ref);
        if (path === null) return;
        if (path.length === 0) {
          this.problem(ref, 'a dynamic list needs a `path`, the name of its list variable');
          return;
        }
        const item = newNode();
        const schema: JsonObject = { type: 'array' };
        if (typeof c.label === 'string' && c.label) schema.title = c.label;
        if (typeof c.description === 'string' && c.description) schema.description = c.description;
        const repetitions = c.defaultRepetitions;
        if (typeof repetitions === 'number' && Number.isInteger(repetitions) && repetitions > 0)
          schema.default = Array.from({ length: Math.min(repetitions, 100) }, () => ({}));
        const ui: JsonObject = {};
        if (c.allowAddRemove === false) ui['ui:options'] = { addable: false, removable: false };
        this.place(
          node,
          [...prefix, ...path],
          { kind: 'array', item, schema, ui, condition, component: ref },
          ref,
        );
        this.walk(c.components, item, [], depth + 1, undefined, ref);
        return;
      }
      default: {
        const field = this.field(c, type, ref);
        if (!field) return;
        const key = this.optionalPath(c.key, ref);
        if (key === null) return;
        if (key.length === 0) {
          this.problem(ref, 'an input field needs a `key`, the name of its variable');
          return;
        }
        this.place(node, [...prefix, ...key], { ...field, kind: 'field', condition, component: ref }, ref);
      }
    }
  }

  /** JSON Schema + uiSchema of one input field, or undefined (problem reported). */
  field(
    c: JsonObject,
    type: string,
    ref: FormJsIssue,
  ): { schema: JsonObject; ui: JsonObject; required: boolean } | undefined {
    const schema: JsonObject = {};
    const ui: JsonObject = {};
    const validate = isObject(c.validate) ? c.validate : {};
    for (const [name, value] of Object.entries(validate)) {
      if (typeof value === 'string' && value.trim().startsWith('=')) {
        this.problem(ref, `validate.${name} is a FEEL expression; only fixed values are converted`);
        return undefined;
      }
    }
    const required = validate.required === true;
    const label = type === 'datetime' ? (c.dateLabel ?? c.label ?? c.timeLabel) : c.label;
    if (typeof label === 'string' && label) schema.title = label;
    if (typeof c.description === 'string' && c.description) schema.description = c.description;
    for (const flag of ['readonly', 'disabled'] as const) {
      const value = c[flag];
      if (typeof value === 'string' && value.trim().startsWith('=')) {
        this.problem(ref, `${flag} is a FEEL expression; only true or false is converted`);
        return undefined;
      }
      if (value === true) schema.readOnly = true;
    }
    if (c.disabled === true) ui['ui:disabled'] = true;
    if (typeof c.placeholder === 'string' && c.placeholder) ui['ui:placeholder'] = c.placeholder;
    const options = this.options(c, ref);
    if (options === null) return undefined;
    switch (type) {
      case 'textfield':
      case 'textarea': {
        schema.type = 'string';
        if (type === 'textarea') ui['ui:widget'] = 'textarea';
        if (!this.textRules(validate, schema, ref)) return undefined;
        if (required && schema.minLength === undefined) schema.minLength = 1;
        break;
      }
      case 'number': {
        const digits = c.decimalDigits;
        if (
          digits !== undefined &&
          (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 0 || digits > 20)
        ) {
          this.problem(ref, 'decimalDigits must be a whole number from 0 to 20');
          return undefined;
        }
        const integer = digits === 0;
        if (c.serializeToString === true) {
          // The number travels as text: its decimal digits are checked exactly by a pattern.
          schema.type = 'string';
          const fraction = digits === undefined ? '(?:\\.\\d+)?' : integer ? '' : `(?:\\.\\d{1,${digits}})?`;
          schema.pattern = `^-?\\d+${fraction}$`;
        } else {
          schema.type = integer ? 'integer' : 'number';
          for (const [from, to] of [
            ['min', 'minimum'],
            ['max', 'maximum'],
          ] as const) {
            const bound = validate[from];
            if (bound === undefined) continue;
            if (typeof bound !== 'number' || !Number.isFinite(bound)) {
              this.problem(ref, `validate.${from} must be a number`);
              return undefined;
            }
            schema[to] = bound;
          }
          // JSON Schema's `multipleOf` divides in binary floating point (1.15 / 0.01 is not whole),
          // so only steps it divides by exactly are checked: whole numbers and multiples of 1/1024.
          const step =
            typeof c.increment === 'number' || typeof c.increment === 'string' ? Number(c.increment) : NaN;
          if (step > 0 && Number.isInteger(step * 1024)) schema.multipleOf = step;
          else if (c.increment !== undefined && c.increment !== '')
            this.warnings.push({ ...ref, message: `increment ${clip(c.increment)} is not checked` });
          if (typeof digits === 'number' && digits > 0)
            this.warnings.push({
              ...ref,
              message: `decimalDigits ${digits} is not checked (only with serializeToString)`,
            });
        }
        break;
      }
      case 'checkbox': {
        schema.type = 'boolean';
        // form-js counts an unticked required checkbox as empty: it must be ticked.
        if (required) schema.const = true;
        break;
      }
      case 'radio':
      case 'select': {
        if (!options) return this.missingOptions(ref);
        Object.assign(schema, options.schema);
        if (options.labels) ui['ui:enumNames'] = options.labels;
        if (type === 'radio') ui['ui:widget'] = 'radio';
        break;
      }
      case 'checklist':
      case 'taglist': {
        if (!options) return this.missingOptions(ref);
        schema.type = 'array';
        schema.items = options.schema;
        schema.uniqueItems = true;
        if (required) schema.minItems = 1;
        if (options.labels) ui.items = { 'ui:enumNames': options.labels };
        if (type === 'checklist') ui['ui:widget'] = 'checkboxes';
        break;
      }
      case 'datetime': {
        schema.type = 'string';
        const subtype = c.subtype ?? 'date';
        if (subtype === 'date') schema.format = 'date';
        else if (subtype === 'datetime') schema.format = 'date-time';
        else if (subtype === 'time') {
          // form-js writes `HH:mm`, with `Z` or an offset when asked to; the browser's time input
          // may add seconds.
          schema.pattern =
            '^(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)?$';
          ui['ui:widget'] = 'time';
        } else {
          this.problem(ref, `datetime subtype '${clip(subtype)}' is unknown`);
          return undefined;
        }
        if (c.disallowPassedDates === true && subtype !== 'time') schema[FUTURE] = true;
        break;
      }
      default:
        this.problem(ref, `the component type '${clip(type)}' is not supported`);
        return undefined;
    }
    if (c.defaultValue !== undefined && c.defaultValue !== null && c.defaultValue !== '') {
      if (typeof c.defaultValue === 'string' && c.defaultValue.trim().startsWith('=')) {
        this.problem(ref, 'defaultValue is a FEEL expression; only fixed values are converted');
        return undefined;
      }
      const primitive = (v: Json) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      const value = c.defaultValue;
      if (!primitive(value) && !(Array.isArray(value) && value.length <= 1000 && value.every(primitive))) {
        this.problem(ref, 'defaultValue must be text, a number, a boolean or a list of them');
        return undefined;
      }
      schema.default = value;
    }
    return { schema, ui, required };
  }

  missingOptions(ref: FormJsIssue): undefined {
    this.problem(ref, 'needs static options (`values`)');
    return undefined;
  }

  /** `values` as an enum (+ labels when they differ); null when refused, undefined when absent. */
  options(c: JsonObject, ref: FormJsIssue): { schema: JsonObject; labels?: string[] } | null | undefined {
    if (c.valuesKey !== undefined || c.valuesExpression !== undefined) {
      this.problem(ref, 'options taken from a variable (valuesKey, valuesExpression) are not supported');
      return null;
    }
    if (c.values === undefined) return undefined;
    if (!Array.isArray(c.values) || c.values.length === 0) {
      this.problem(ref, '`values` must be a non-empty list of { label, value }');
      return null;
    }
    const values: (string | number | boolean)[] = [];
    const labels: string[] = [];
    for (const option of c.values) {
      const value = isObject(option) ? option.value : undefined;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        this.problem(ref, 'every option needs a `value` (text, number or boolean)');
        return null;
      }
      values.push(value);
      labels.push(isObject(option) && typeof option.label === 'string' ? option.label : String(value));
    }
    const types = new Set(values.map((v) => typeof v));
    const schema: JsonObject = { enum: values };
    if (types.size === 1) schema.type = [...types][0];
    const differ = labels.some((label, i) => label !== String(values[i]));
    return differ ? { schema, labels } : { schema };
  }

  textRules(validate: JsonObject, schema: JsonObject, ref: FormJsIssue): boolean {
    for (const name of ['minLength', 'maxLength'] as const) {
      const value = validate[name];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        this.problem(ref, `validate.${name} must be a whole number`);
        return false;
      }
      schema[name] = value;
    }
    const kind = validate.validationType;
    if (kind === 'email') schema.format = 'email';
    else if (kind === 'phone') schema.pattern = '^(?:\\+|00)[1-9][\\d ]{5,}$';
    else if (kind !== undefined && kind !== 'custom' && kind !== '') {
      this.problem(ref, `validationType '${clip(kind)}' is not supported`);
      return false;
    }
    const pattern = validate.pattern;
    if (pattern !== undefined && pattern !== '' && kind !== 'email' && kind !== 'phone') {
      if (typeof pattern !== 'string' || pattern.trim().startsWith('=')) {
        this.problem(ref, 'validate.pattern must be a fixed regular expression');
        return false;
      }
      schema.pattern = pattern;
    }
    return true;
  }

  /** The component's `conditional.hide`; undefined when none, null when refused. */
  condition(c: JsonObject, ref: FormJsIssue): Condition | undefined | null {
    const hide = isObject(c.conditional) ? c.conditional.hide : undefined;
    if (hide === undefined || hide === null || hide === '') return undefined;
    const refuse = () => {
      this.problem(
        ref,
        `the condition ${JSON.stringify(String(hide).slice(0, 100))} is not converted: only \`=field = "value"\`, \`=field != value\`, \`=flag\` and \`=not(flag)\` with a field beside it are`,
      );
      return null;
    };
    if (typeof hide !== 'string' || hide.length > MAX_CONDITION) return refuse();
    const source = hide.trim();
    if (!source.startsWith('=')) return refuse();
    const body = source.slice(1).trim();
    const comparison = COMPARISON.exec(body);
    if (comparison) {
      const [, path = '', op, literal = ''] = comparison;
      if (!PATH.test(path)) return refuse();
      const value = literal.startsWith('"')
        ? literal.slice(1, -1)
        : literal === 'true' || literal === 'false'
          ? literal === 'true'
          : Number(literal);
      return { field: path.split('.'), hiddenWhenEqual: op === '=', value, source };
    }
    const negated = NOT.exec(body);
    const flag = negated ? negated[1] : body;
    if (flag && PATH.test(flag)) {
      return { field: flag.split('.'), hiddenWhenEqual: !negated, value: true, source };
    }
    return refuse();
  }

  /** A path value: [] when absent, null when refused. */
  optionalPath(value: Json, ref: FormJsIssue): string[] | null {
    if (value === undefined || value === null || value === '') return [];
    if (typeof value !== 'string' || !PATH.test(value)) {
      this.problem(ref, `'${clip(value)}' is not a variable name (names joined by dots)`);
      return null;
    }
    return value.split('.');
  }

  /** The object node at `path` inside `node`, creating nested objects; undefined on a clash. */
  objectAt(node: ObjectNode, path: readonly string[], ref: FormJsIssue): ObjectNode | undefined {
    let current = node;
    for (const name of path) {
      const existing = current.entries.get(name);
      if (existing && existing.kind !== 'object') {
        this.problem(ref, `'${clip(name)}' is both a field and a group of fields`);
        return undefined;
      }
      const entry: ObjectEntry = existing ?? { kind: 'object', node: newNode() };
      current.entries.set(name, entry);
      current = entry.node;
    }
    return current;
  }

  place(node: ObjectNode, path: readonly string[], entry: FieldEntry | ArrayEntry, ref: FormJsIssue): void {
    const target = this.objectAt(node, path.slice(0, -1), ref);
    const last = path[path.length - 1] ?? '';
    if (!target) return;
    if (target.entries.has(last)) {
      this.problem(ref, `the key '${clip(path.join('.'))}' is used twice`);
      return;
    }
    target.entries.set(last, entry);
  }

  /** The JSON Schema and uiSchema of one object node. */
  emit(node: ObjectNode): { schema: JsonObject; ui: JsonObject } {
    const properties: JsonObject = {};
    const required: string[] = [];
    const ui: JsonObject = {};
    const order: string[] = [];
    // Conditional entries, grouped by their condition's source text.
    const branches = new Map<string, { condition: Condition; properties: JsonObject; required: string[] }>();
    for (const [key, entry] of node.entries) {
      order.push(key);
      let schema: JsonObject;
      let entryUi: JsonObject;
      let isRequired = false;
      if (entry.kind === 'field') {
        schema = entry.schema;
        entryUi = entry.ui;
        isRequired = entry.required;
      } else if (entry.kind === 'array') {
        const item = this.emit(entry.item);
        schema = { ...entry.schema, items: item.schema };
        entryUi = Object.keys(item.ui).length > 0 ? { ...entry.ui, items: item.ui } : entry.ui;
      } else {
        const nested = this.emit(entry.node);
        schema = entry.title ? { title: entry.title, ...nested.schema } : nested.schema;
        entryUi = nested.ui;
      }
      if (Object.keys(entryUi).length > 0) ui[key] = entryUi;
      const condition = entry.condition;
      if (!condition) {
        properties[key] = schema;
        if (isRequired) required.push(key);
        continue;
      }
      const [field, ...deeper] = condition.field;
      const control = field === undefined ? undefined : node.entries.get(field);
      if (deeper.length > 0 || control?.kind !== 'field' || control.condition) {
        const where = entry.component ?? { componentId: key, componentType: 'group', message: '' };
        this.problem(
          where,
          `the condition ${JSON.stringify(condition.source)} must name an unconditional field beside it`,
        );
        continue;
      }
      let branch = branches.get(condition.source);
      if (!branch) {
        branch = { condition, properties: {}, required: [] };
        branches.set(condition.source, branch);
      }
      branch.properties[key] = schema;
      if (isRequired) branch.required.push(key);
    }
    const schema: JsonObject = { type: 'object', properties };
    if (node.texts.length > 0) schema.description = node.texts.join('\n\n');
    if (required.length > 0) schema.required = required;
    if (branches.size > 0) {
      schema.allOf = [...branches.values()].map(({ condition, properties: shown, required: must }) => {
        const field = condition.field[0] ?? '';
        const visible: JsonObject = { properties: shown };
        if (must.length > 0) visible.required = must;
        const test = { properties: { [field]: { const: condition.value } }, required: [field] };
        if (condition.hiddenWhenEqual) return { if: test, else: visible };
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `if`/`then` keyword, never awaited.
        return { if: test, then: visible };
      });
    }
    if (order.length > 1) ui['ui:order'] = [...order, '*'];
    return { schema, ui };
  }
}

/**
 * Converts a form-js schema (the JSON of a `.form` file or of a `zeebe:userTaskForm`). The result
 * is usable only when `problems` is empty.
 */
export function convertFormJs(form: unknown): FormJsConversion {
  const converter = new Converter();
  const root = newNode();
  const formRef: FormJsIssue = { componentId: '(form)', componentType: 'default', message: '' };
  if (!isObject(form) || !Array.isArray(form.components)) {
    converter.problem(formRef, 'not a Camunda form: a JSON object with a `components` list is expected');
  } else {
    converter.walk(form.components, root, [], 0, undefined, formRef);
  }
  const { schema, ui } = converter.emit(root);
  const id = isObject(form) && typeof form.id === 'string' ? form.id : undefined;
  return {
    ...(id === undefined ? {} : { id }),
    schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema },
    uiSchema: ui,
    problems: converter.problems,
    warnings: converter.warnings,
  };
}
