import { URL_FORMAT_RE2 } from '@baton/schemas';
import { format, type Schema } from '@cfworker/json-schema';
import { RE2JS } from 're2js';

/**
 * Patterns in the browser run on RE2 (re2js), as on the server: time linear in the input, so no
 * form's `pattern` can freeze a staff member's tab (`^(a+)+$` against 30 a's and a `!` takes
 * JavaScript's backtracking RegExp seconds, and twice as long for every further `a`).
 *
 * @cfworker/json-schema calls `new RegExp(pattern)` itself and has no hook for another engine, but
 * it looks formats up in an exported table. So the schema it sees has each `pattern` turned into
 * a format named after it (see {@link withLinearPatterns}), whose check is the RE2 match; errors
 * are turned back into `pattern` errors by {@link asPatternError}.
 */

const PREFIX = 'x-baton-pattern:';
const compiled = new Map<string, RE2JS | null>();

/** RE2 of a JSON Schema pattern, or null when RE2 cannot run it (backreferences, lookarounds). */
export function linearPattern(pattern: string): RE2JS | null {
  if (compiled.has(pattern)) return compiled.get(pattern) ?? null;
  let re: RE2JS | null = null;
  // re2js would read `\k<name>` as the letters `k<name>`: a named backreference is not runnable.
  if (!/(?:^|[^\\])(?:\\\\)*\\k</.test(pattern)) {
    try {
      re = RE2JS.compile(RE2JS.translateRegExp(pattern));
    } catch {
      re = null;
    }
  }
  compiled.set(pattern, re);
  return re;
}

/** The format standing for `pattern`, registered on first use. */
function formatFor(pattern: string): string {
  const name = PREFIX + pattern;
  if (!Object.hasOwn(format, name)) {
    const re = linearPattern(pattern);
    // A pattern RE2 cannot run never reaches staff: the server refuses the form when it is saved.
    format[name] = re ? (text) => re.test(text) : () => true;
  }
  return name;
}

// cfworker's `url` is exponential (`http://` and 28 a's and a `!` take a second): the server's
// RE2 version replaces it.
const url = RE2JS.compile(URL_FORMAT_RE2, RE2JS.CASE_INSENSITIVE);
format.url = (text) => url.testExact(text);

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

const ONE = [
  'not',
  'if',
  'then',
  'else',
  'additionalProperties',
  'additionalItems',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contains',
  'propertyNames',
  'items',
];
const MANY = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const NAMED = ['properties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

/**
 * A copy of `schema` for @cfworker/json-schema with no `pattern` it would run: each becomes a
 * format (or, beside a `format` of its own, a format in an `allOf` appended last).
 * `patternProperties` matches property names, which cfworker would also test with RegExp: it is
 * left to the server, together with the `additionalProperties`/`unevaluatedProperties` beside it
 * (which depend on it), so the browser never reports an error the server would not.
 */
export function withLinearPatterns<T extends Schema | boolean>(schema: T): T {
  if (!isNode(schema)) return schema;
  const copy: Node = { ...schema };
  for (const key of ONE) if (isNode(copy[key])) copy[key] = withLinearPatterns(copy[key] as Schema);
  for (const key of MANY) {
    const list = copy[key];
    if (Array.isArray(list)) copy[key] = list.map((s) => withLinearPatterns(s as Schema));
  }
  for (const key of NAMED) {
    const map = copy[key];
    if (isNode(map))
      copy[key] = Object.fromEntries(
        Object.entries(map).map(([name, s]) => [name, isNode(s) ? withLinearPatterns(s as Schema) : s]),
      );
  }
  if (copy.patternProperties !== undefined) {
    delete copy.patternProperties;
    delete copy.additionalProperties;
    delete copy.unevaluatedProperties;
  }
  if (typeof copy.pattern === 'string') {
    const check = formatFor(copy.pattern);
    delete copy.pattern;
    if (copy.format === undefined) copy.format = check;
    else copy.allOf = [...(Array.isArray(copy.allOf) ? copy.allOf : []), { format: check }];
  }
  return copy as T;
}

/** Ajv's wording for a failed pattern, for an error about one of the formats above; else null. */
export function asPatternError<
  E extends { keyword: string; schemaPath: string; params: Record<string, unknown> },
>(error: E): (E & { message: string }) | null {
  const name = error.params.format;
  if (error.keyword !== 'format' || typeof name !== 'string' || !name.startsWith(PREFIX)) return null;
  const pattern = name.slice(PREFIX.length);
  return {
    ...error,
    keyword: 'pattern',
    params: { pattern },
    message: `must match pattern "${pattern}"`,
    schemaPath: error.schemaPath.replace(/(?:\/allOf\/\d+)?\/format$/, '/pattern'),
  };
}
