/**
 * A small JSON Schema interpreter (the keywords forms use, drafts 07 and 2020-12) that never
 * generates code. The app's Content-Security-Policy forbids `eval`/`new Function`, which Ajv needs
 * to compile validators, so the browser validates with this; the server stays the authority (Ajv).
 * Messages follow Ajv's wording so staff see the same text either way.
 */

export type SchemaNode = { [key: string]: unknown } | boolean;

/** One failure, shaped like Ajv's ErrorObject. */
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

const FORMATS: Record<string, (value: string) => boolean> = {
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && validDay(v),
  'date-time': (v) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/.test(v) &&
    !Number.isNaN(Date.parse(v)),
  time: (v) => /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(v),
  email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
  uri: (v) => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(v),
  url: (v) => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
};

function validDay(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeOf(value) === type;
  }
}

/** Deep equality of JSON values (for enum, const and uniqueItems). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeOf(a) !== typeOf(b) || typeof a !== 'object' || a === null) return false;
  if (Array.isArray(a))
    return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Resolves a local `$ref` (`#/definitions/x`, `#/$defs/x`, `#`) against the root schema. */
function resolveRef(ref: string, root: SchemaNode): SchemaNode {
  if (!ref.startsWith('#')) throw new Error(`can't resolve reference ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  if (node === undefined) throw new Error(`can't resolve reference ${ref}`);
  return node as SchemaNode;
}

const NUMBER_CHECKS: [keyword: string, fails: (v: number, limit: number) => boolean, comparison: string][] = [
  ['minimum', (v, l) => v < l, '>='],
  ['maximum', (v, l) => v > l, '<='],
  ['exclusiveMinimum', (v, l) => v <= l, '>'],
  ['exclusiveMaximum', (v, l) => v >= l, '<'],
];

/** Validates `data` against `schema`; appends every failure to `errors`. Throws on unresolvable `$ref`. */
export function validateSchema(
  schema: SchemaNode,
  data: unknown,
  root: SchemaNode = schema,
  errors: SchemaError[] = [],
  instancePath = '',
  schemaPath = '#',
): SchemaError[] {
  if (schema === true) return errors;
  if (schema === false) {
    errors.push({
      instancePath,
      schemaPath,
      keyword: 'false schema',
      params: {},
      message: 'boolean schema is false',
    });
    return errors;
  }
  const fail = (keyword: string, message: string, params: Record<string, unknown> = {}) =>
    errors.push({ instancePath, schemaPath: `${schemaPath}/${keyword}`, keyword, params, message });
  const s = schema;

  if (typeof s.$ref === 'string')
    validateSchema(resolveRef(s.$ref, root), data, root, errors, instancePath, `${schemaPath}/$ref`);

  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => hasType(data, t))) {
      fail('type', `must be ${types.join(',')}`, { type: types.join(',') });
      return errors; // further keywords would only repeat the type error
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((option) => jsonEqual(option, data)))
    fail('enum', 'must be equal to one of the allowed values', { allowedValues: s.enum });
  if ('const' in s && !jsonEqual(s.const, data))
    fail('const', 'must be equal to constant', { allowedValue: s.const });

  if (typeof data === 'number') {
    for (const [keyword, fails, comparison] of NUMBER_CHECKS) {
      const limit = s[keyword];
      if (typeof limit === 'number' && fails(data, limit))
        fail(keyword, `must be ${comparison} ${limit}`, { comparison, limit });
    }
    if (
      typeof s.multipleOf === 'number' &&
      Math.abs(data / s.multipleOf - Math.round(data / s.multipleOf)) > 1e-9
    )
      fail('multipleOf', `must be multiple of ${s.multipleOf}`, { multipleOf: s.multipleOf });
  }

  if (typeof data === 'string') {
    const length = [...data].length;
    if (typeof s.maxLength === 'number' && length > s.maxLength)
      fail('maxLength', `must NOT have more than ${s.maxLength} characters`, { limit: s.maxLength });
    if (typeof s.minLength === 'number' && length < s.minLength)
      fail('minLength', `must NOT have fewer than ${s.minLength} characters`, { limit: s.minLength });
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(data))
      fail('pattern', `must match pattern "${s.pattern}"`, { pattern: s.pattern });
    const check = typeof s.format === 'string' ? FORMATS[s.format] : undefined;
    if (check && !check(data))
      fail('format', `must match format "${s.format as string}"`, { format: s.format });
  }

  if (Array.isArray(data)) {
    if (typeof s.maxItems === 'number' && data.length > s.maxItems)
      fail('maxItems', `must NOT have more than ${s.maxItems} items`, { limit: s.maxItems });
    if (typeof s.minItems === 'number' && data.length < s.minItems)
      fail('minItems', `must NOT have fewer than ${s.minItems} items`, { limit: s.minItems });
    if (s.uniqueItems === true) {
      outer: for (let i = data.length - 1; i > 0; i--) {
        for (let j = i - 1; j >= 0; j--) {
          if (jsonEqual(data[i], data[j])) {
            fail('uniqueItems', `must NOT have duplicate items (items ## ${j} and ${i} are identical)`, {
              i,
              j,
            });
            break outer;
          }
        }
      }
    }
    const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as SchemaNode[]) : [];
    data.forEach((item, index) => {
      const itemSchema =
        index < prefix.length
          ? prefix[index]
          : Array.isArray(s.items)
            ? (s.items as SchemaNode[])[index]
            : (s.items as SchemaNode);
      if (itemSchema !== undefined)
        validateSchema(itemSchema, item, root, errors, `${instancePath}/${index}`, `${schemaPath}/items`);
    });
  }

  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    for (const name of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (record[name] === undefined)
        fail('required', `must have required property '${name}'`, { missingProperty: name });
    }
    const properties = (s.properties ?? {}) as Record<string, SchemaNode>;
    for (const [name, value] of Object.entries(record)) {
      if (value === undefined) continue;
      const child = `${instancePath}/${escapePointer(name)}`;
      if (name in properties)
        validateSchema(
          properties[name]!,
          value,
          root,
          errors,
          child,
          `${schemaPath}/properties/${escapePointer(name)}`,
        );
      else if (s.additionalProperties === false)
        fail('additionalProperties', 'must NOT have additional properties', { additionalProperty: name });
      else if (s.additionalProperties && typeof s.additionalProperties === 'object')
        validateSchema(
          s.additionalProperties as SchemaNode,
          value,
          root,
          errors,
          child,
          `${schemaPath}/additionalProperties`,
        );
    }
    const dependent = (s.dependentRequired ?? {}) as Record<string, string[]>;
    for (const [name, needs] of Object.entries(dependent)) {
      if (record[name] === undefined) continue;
      for (const need of needs)
        if (record[need] === undefined)
          fail('dependentRequired', `must have property ${need} when property ${name} is present`, {
            property: name,
            missingProperty: need,
            deps: need,
          });
    }
  }

  const passes = (sub: SchemaNode) =>
    validateSchema(sub, data, root, [], instancePath, schemaPath).length === 0;
  if (Array.isArray(s.allOf)) {
    for (const [i, sub] of (s.allOf as SchemaNode[]).entries())
      validateSchema(sub, data, root, errors, instancePath, `${schemaPath}/allOf/${i}`);
  }
  if (Array.isArray(s.anyOf) && !(s.anyOf as SchemaNode[]).some(passes))
    fail('anyOf', 'must match a schema in anyOf');
  if (Array.isArray(s.oneOf)) {
    const matching = (s.oneOf as SchemaNode[]).filter(passes).length;
    if (matching !== 1) fail('oneOf', 'must match exactly one schema in oneOf', { passingSchemas: matching });
  }
  if (s.not !== undefined && passes(s.not as SchemaNode)) fail('not', 'must NOT be valid');
  if (s.if !== undefined) {
    const branch = passes(s.if as SchemaNode) ? 'then' : 'else';
    if (s[branch] !== undefined)
      validateSchema(s[branch] as SchemaNode, data, root, errors, instancePath, `${schemaPath}/${branch}`);
  }
  return errors;
}

const TYPE_NAMES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** Checks that a form schema is well formed; returns `pointer: problem` for the first fault, or null. */
export function checkSchemaShape(schema: unknown, root: unknown = schema, pointer = ''): string | null {
  if (typeof schema === 'boolean') return null;
  if (!schema || typeof schema !== 'object' || Array.isArray(schema))
    return `${pointer || '/'}: must be an object or boolean`;
  const s = schema as Record<string, unknown>;
  const at = (key: string) => `${pointer}/${escapePointer(key)}`;
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  for (const type of types)
    if (typeof type !== 'string' || !TYPE_NAMES.has(type))
      return `${at('type')}: unknown type ${JSON.stringify(type)}`;
  for (const key of [
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minLength',
    'maxLength',
    'minItems',
    'maxItems',
    'multipleOf',
  ])
    if (s[key] !== undefined && typeof s[key] !== 'number') return `${at(key)}: must be a number`;
  if (
    s.required !== undefined &&
    (!Array.isArray(s.required) || s.required.some((r) => typeof r !== 'string'))
  )
    return `${at('required')}: must be an array of property names`;
  if (s.enum !== undefined && !Array.isArray(s.enum)) return `${at('enum')}: must be an array`;
  if (s.pattern !== undefined) {
    try {
      new RegExp(String(s.pattern), 'u');
    } catch {
      return `${at('pattern')}: not a valid regular expression`;
    }
  }
  if (typeof s.$ref === 'string') {
    try {
      resolveRef(s.$ref, root as SchemaNode);
    } catch (error) {
      return `${at('$ref')}: ${(error as Error).message}`;
    }
  }
  for (const key of ['properties', '$defs', 'definitions']) {
    const map = s[key];
    if (map === undefined) continue;
    if (!map || typeof map !== 'object' || Array.isArray(map)) return `${at(key)}: must be an object`;
    for (const [name, child] of Object.entries(map)) {
      const problem = checkSchemaShape(child, root, `${at(key)}/${escapePointer(name)}`);
      if (problem) return problem;
    }
  }
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else']) {
    if (s[key] === undefined || typeof s[key] === 'boolean') continue;
    const problem = Array.isArray(s[key]) ? null : checkSchemaShape(s[key], root, at(key));
    if (problem) return problem;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (s[key] === undefined) continue;
    if (!Array.isArray(s[key])) return `${at(key)}: must be an array`;
    for (const [index, child] of (s[key] as unknown[]).entries()) {
      const problem = checkSchemaShape(child, root, `${at(key)}/${index}`);
      if (problem) return problem;
    }
  }
  return null;
}
