import type { OutputUnit } from '@cfworker/json-schema';
import { type ErrorSchema, ErrorSchemaBuilder, type RJSFValidationError } from '@rjsf/utils';

/**
 * Turns @cfworker/json-schema's flat output units into one error per failed rule, shaped like
 * Ajv's `ErrorObject` and worded like Ajv, so staff read the same text in the browser as in the
 * server's 400 answers (the server validates with Ajv).
 */

type SchemaObject = { [key: string]: unknown };

/** One failure, shaped like Ajv's ErrorObject (`instancePath` is an RFC 6901 pointer). */
export interface FormError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/**
 * Keywords whose unit only announces that a subschema failed; the subschema's own units follow
 * it and say what is wrong, so these are dropped. (`dependencies` wraps only in its schema form.)
 */
const WRAPPERS = new Set([
  '$ref',
  '$recursiveRef',
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'allOf',
  'if',
  'dependentSchemas',
  'propertyNames',
]);

/** anyOf/oneOf list every branch's failures after their own unit; one line at the field reads better. */
const ALTERNATIVES = new Set(['anyOf', 'oneOf']);

const COMPARISONS: Record<string, string> = {
  minimum: '>=',
  maximum: '<=',
  exclusiveMinimum: '>',
  exclusiveMaximum: '<',
};

const unescapeSegment = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** `/a~1b/c` -> ['a/b', 'c'] (RFC 6901). */
export function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeSegment);
}

/** `#/a~1b/50%25` -> ['a/b', '50%']: locations and `$ref`s are URI fragments of pointers. */
export function locationSegments(location: string): string[] {
  const fragment = location.startsWith('#') ? location.slice(1) : location;
  return fragment === ''
    ? []
    : fragment
        .slice(1)
        .split('/')
        .map((segment) => unescapeSegment(safeDecode(segment)));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function toPointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The keyword's value at a keyword location, following local `$ref`s the way validation did. */
function keywordValue(root: unknown, location: string): unknown {
  let node: unknown = root;
  for (const segment of locationSegments(location)) {
    const current = node as SchemaObject | undefined;
    if (segment === '$ref' && typeof current?.$ref === 'string' && current.$ref.startsWith('#'))
      node = locationSegments(current.$ref).reduce<unknown>((n, s) => (n as SchemaObject)?.[s], root);
    else node = current && typeof current === 'object' ? current[segment] : undefined;
  }
  return node;
}

/** The names cfworker quotes in its message (`Instance has "a" but does not have "b".`). */
function quoted(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
}

function ajvWording(
  keyword: string,
  value: unknown,
  unit: OutputUnit,
): Omit<FormError, 'instancePath' | 'schemaPath'> {
  const v = value as string | number;
  const unitError = { keyword, params: {}, message: unit.error };
  switch (keyword) {
    case 'type': {
      const type = Array.isArray(value) ? value.join(',') : String(value);
      return { keyword, params: { type }, message: `must be ${type}` };
    }
    case 'enum':
      return {
        keyword,
        params: { allowedValues: value },
        message: 'must be equal to one of the allowed values',
      };
    case 'const':
      return { keyword, params: { allowedValue: value }, message: 'must be equal to constant' };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const comparison = COMPARISONS[keyword];
      // draft-04's boolean exclusive* has no limit of its own: keep the library's sentence.
      if (typeof value !== 'number') return unitError;
      return { keyword, params: { comparison, limit: v }, message: `must be ${comparison} ${v}` };
    }
    case 'multipleOf':
      return { keyword, params: { multipleOf: v }, message: `must be multiple of ${v}` };
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const bound = keyword.startsWith('min') ? 'fewer' : 'more';
      const noun = keyword.endsWith('Length')
        ? 'characters'
        : keyword.endsWith('Items')
          ? 'items'
          : 'properties';
      return { keyword, params: { limit: v }, message: `must NOT have ${bound} than ${v} ${noun}` };
    }
    case 'pattern':
      return { keyword, params: { pattern: v }, message: `must match pattern "${v}"` };
    case 'format':
      return { keyword, params: { format: v }, message: `must match format "${v}"` };
    case 'uniqueItems': {
      const [j, i] = (unit.error.match(/\d+/g) ?? []).map(Number).sort((a, b) => a - b);
      return {
        keyword,
        params: { i, j },
        message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
      };
    }
    case 'required': {
      const missingProperty = quoted(unit.error)[0] ?? '';
      return {
        keyword,
        params: { missingProperty },
        message: `must have required property '${missingProperty}'`,
      };
    }
    case 'dependentRequired':
    case 'dependencies': {
      const [property, missingProperty] = quoted(unit.error);
      return {
        keyword,
        params: { property, missingProperty, deps: missingProperty },
        message: `must have property ${missingProperty} when property ${property} is present`,
      };
    }
    case 'anyOf':
      return { keyword, params: {}, message: 'must match a schema in anyOf' };
    case 'oneOf':
      return { keyword, params: {}, message: 'must match exactly one schema in oneOf' };
    case 'not':
      return { keyword, params: {}, message: 'must NOT be valid' };
    case 'contains':
      return { keyword, params: { minContains: 1 }, message: 'must contain at least 1 valid item(s)' };
    case 'false':
      return { keyword: 'false schema', params: {}, message: 'boolean schema is false' };
    default:
      return unitError;
  }
}

/** cfworker units -> one Ajv-shaped error per failed rule; `root` is the schema that was validated. */
export function toFormErrors(units: readonly OutputUnit[], root: unknown): FormError[] {
  const errors: FormError[] = [];
  let skipUnder: string | null = null;
  let previous: OutputUnit | undefined;
  for (const unit of units) {
    const after = previous;
    previous = unit;
    if (skipUnder && unit.keywordLocation.startsWith(skipUnder)) continue;
    skipUnder = ALTERNATIVES.has(unit.keyword) ? `${unit.keywordLocation}/` : null;
    const wraps = WRAPPERS.has(unit.keyword) || /dependant schema/.test(unit.error);
    if (wraps) continue;
    const instance = locationSegments(unit.instanceLocation);
    if (unit.keyword === 'false' && after?.keyword === 'additionalProperties') {
      // `additionalProperties: false`: Ajv reports it on the object, naming the extra property.
      const additionalProperty = instance.pop();
      errors.push({
        instancePath: toPointer(instance),
        schemaPath: after.keywordLocation,
        keyword: 'additionalProperties',
        params: { additionalProperty },
        message: 'must NOT have additional properties',
      });
      continue;
    }
    const value = keywordValue(root, unit.keywordLocation);
    errors.push({
      instancePath: toPointer(instance),
      schemaPath: unit.keywordLocation,
      ...ajvWording(unit.keyword, value, unit),
    });
  }
  return errors;
}

/** Where an error shows: on its instance, or for a missing property on that property. */
function fieldSegments(error: FormError): string[] {
  const segments = pointerSegments(error.instancePath);
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  return segments;
}

/**
 * Ajv-shaped errors -> rjsf errors. `property` is dotted as rjsf's own Ajv validator makes it
 * (`.actions.0.owner`); rjsf's path syntax cannot quote a name with a dot in it, so
 * {@link toFieldErrorSchema} places errors by segments instead.
 */
export function toRjsfErrors(errors: readonly FormError[]): RJSFValidationError[] {
  return errors.map((error) => {
    const property = fieldSegments(error)
      .map((segment) => `.${segment}`)
      .join('');
    return {
      name: error.keyword,
      property,
      message: error.message,
      params: error.params,
      stack: `${property} ${error.message}`.trim(),
      schemaPath: error.schemaPath,
    };
  });
}

/** rjsf's ErrorSchema (messages nested by field, in `__errors`) built from exact path segments. */
export function toFieldErrorSchema<T>(errors: readonly FormError[]): ErrorSchema<T> {
  const builder = new ErrorSchemaBuilder<T>();
  for (const error of errors) builder.addErrors(error.message, fieldSegments(error));
  return builder.ErrorSchema;
}
