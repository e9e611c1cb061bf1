/**
 * The raw JSON tab's check that a form schema is well formed, with the JSON pointer of the first
 * fault. @cfworker/json-schema could validate a schema against a meta-schema, but it ships none,
 * and the draft 2020-12 meta-schema is built on `$dynamicRef`, which it does not implement; Ajv's
 * meta-validation needs code generation, which the CSP forbids. The server re-checks on save.
 */

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Resolves a local `$ref` (`#/definitions/x`, `#/$defs/x`, `#`) against the root schema. */
function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#')) throw new Error(`can't resolve reference ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  if (node === undefined) throw new Error(`can't resolve reference ${ref}`);
  return node;
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
      resolveRef(s.$ref, root);
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
