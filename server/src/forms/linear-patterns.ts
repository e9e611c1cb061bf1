import type { FieldError } from '@baton/schemas';
import type { RegExpEngine, RegExpLike } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

/**
 * Form patterns run on RE2 (re2js, a pure-JS port): matching takes time linear in the input, so
 * no `pattern` a designer writes can stall the server the way `^(a+)+$` did with JavaScript's
 * backtracking `RegExp` (a 31-character submission held the event loop for 15 s).
 *
 * RE2 has no backreferences and no lookarounds; a pattern that needs them is refused when the form
 * is saved (see {@link patternProblems}). Character classes follow RE2 where it differs from
 * JavaScript: `\s` is ASCII white space, `.` matches `\r`.
 */
export class UnsupportedPatternError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`pattern is not supported (${reason}); backreferences and lookarounds cannot run in linear time`);
    this.name = 'UnsupportedPatternError';
  }
}

// Compiled patterns, shared by every form version that uses the same text. Bounded: the text of a
// pattern comes from designers, and a server runs for months.
const compiled = new Map<string, RE2JS>();
const CACHE_SIZE = 2000;

/** RE2 of a JSON Schema (ECMA-262) pattern; throws {@link UnsupportedPatternError}. */
export function compileLinear(pattern: string): RE2JS {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  // re2js translates `\k<name>` to a literal `k<name>`: a named backreference must be refused here.
  if (/(?:^|[^\\])(?:\\\\)*\\k</.test(pattern)) throw new UnsupportedPatternError(pattern, 'a backreference');
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    throw new UnsupportedPatternError(pattern, reason);
  }
  if (compiled.size >= CACHE_SIZE) compiled.clear();
  compiled.set(pattern, re);
  return re;
}

/**
 * ajv's `code.regExp`: `pattern` and `patternProperties` test with RE2. `test` searches (is not
 * anchored), as JSON Schema says.
 */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string): RegExpLike => {
    const re = compileLinear(pattern);
    // ajv keys its cache of pattern objects by `toString()`.
    return { test: (text: string) => re.test(text), toString: () => `re2:${pattern}` } as RegExpLike;
  },
  { code: 'linearRegExp' },
);

type Json = unknown;

// Keywords whose value is a subschema, an array of subschemas, or a map of name -> subschema.
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
  'contentSchema',
];
const MANY = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const NAMED = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every `pattern` and `patternProperties` key of a form schema that RE2 cannot run, with its JSON
 * pointer inside the schema (e.g. `/properties/code/pattern`). Walks schema positions only, so a
 * property *named* `pattern` or a `const` holding one is left alone; iterative, so nesting depth
 * cannot overflow the stack.
 */
export function patternProblems(schema: Json): FieldError[] {
  const problems: FieldError[] = [];
  const check = (pattern: string, pointer: string) => {
    try {
      compileLinear(pattern);
    } catch (err) {
      problems.push({ pointer, message: err instanceof Error ? err.message : String(err) });
    }
  };
  const stack: [Json, string][] = [[schema, '']];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, at] = next;
    if (!isObject(node)) continue;
    if (typeof node.pattern === 'string') check(node.pattern, `${at}/pattern`);
    for (const key of ONE) if (key in node) stack.push([node[key], `${at}/${key}`]);
    for (const key of MANY) {
      const list = node[key];
      if (Array.isArray(list)) for (const [i, s] of list.entries()) stack.push([s, `${at}/${key}/${i}`]);
    }
    const items = node.items;
    if (Array.isArray(items)) for (const [i, s] of items.entries()) stack.push([s, `${at}/items/${i}`]);
    else stack.push([items, `${at}/items`]);
    for (const key of NAMED) {
      const map = node[key];
      if (!isObject(map)) continue;
      for (const [name, sub] of Object.entries(map)) {
        const pointer = `${at}/${key}/${escapePointer(name)}`;
        if (key === 'patternProperties') check(name, pointer);
        stack.push([sub, pointer]);
      }
    }
  }
  return problems;
}
