import { parseExpression, parseUnaryTests } from 'feelin';

/**
 * Decides, from feelin's parse tree alone, whether an expression is "bounded": its cost is linear
 * in its own length and the size of its input, so it may run in-process without a time limit.
 * Anything else (function definitions, `for` / `some` / `every`, filters inside filters, ranges as
 * values, built-ins that build lists or run regular expressions, or a node kind this list does not
 * know) runs in the sandbox under a deadline and a heap limit.
 *
 * Deny by default: a node kind missing here costs a sandbox round trip, never safety.
 * Why not every expression in the sandbox: the common path then needs no thread, no copy of the
 * variables and no wake-up. Measured on a loaded 2-core machine (`npm run bench:feel`), feelin's
 * own parse (~170 µs a call) dominates both paths, and the budgeted path for gateway conditions
 * stays within 1.2x of a direct feelin call.
 */

/** Node kinds whose evaluation does constant work besides their children. */
const BOUNDED_NODES = new Set([
  'Expression',
  'ParenthesizedExpression',
  'Comparison',
  'CompareOp',
  'ArithmeticExpression',
  'ArithOp',
  'Disjunction',
  'Conjunction',
  'IfExpression',
  'InstanceOfExpression',
  'Type',
  'QualifiedName',
  'VariableName',
  'Identifier',
  'Name',
  'Key',
  'PathExpression',
  'PathName',
  'NumericLiteral',
  'StringLiteral',
  'BooleanLiteral',
  'DateTimeLiteral',
  'DateTimeConstructor',
  'AtLiteral',
  'List',
  'Context',
  'ContextEntry',
  'PositionalParameters',
  'NamedParameters',
  'NamedParameter',
  'ParameterName',
  'UnaryTests',
  'PositiveUnaryTest',
  'PositiveUnaryTests',
  'SimplePositiveUnaryTest',
  // keywords and punctuation
  '?',
  'if',
  'then',
  'else',
  'and',
  'or',
  'not',
  'in',
  'between',
  'instance',
  'of',
  'null',
  'date',
  'time',
  'duration',
  'true',
  'false',
  '.',
  ',',
  ':',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '..',
]);

/**
 * Built-ins whose cost is linear in their arguments and whose result is no larger than them
 * (scalars, or a part of an argument). `concatenate`, `append`, `string join`, `flatten`, `sort`,
 * `distinct values`, `matches`, `replace`, `split` and the like are left out: they build lists or
 * run a backtracking regular expression.
 */
const BOUNDED_BUILTINS = new Set([
  'not',
  'is defined',
  'get or else',
  'string',
  'number',
  'string length',
  'upper case',
  'lower case',
  'substring',
  'substring before',
  'substring after',
  'contains',
  'starts with',
  'ends with',
  'trim',
  'count',
  'sum',
  'min',
  'max',
  'mean',
  'all',
  'any',
  'and',
  'or',
  'list contains',
  'is empty',
  'abs',
  'floor',
  'ceiling',
  'decimal',
  'round up',
  'round down',
  'round half up',
  'round half down',
  'modulo',
  'odd',
  'even',
  'sqrt',
  'exp',
  'log',
  'date',
  'time',
  'date and time',
  'duration',
  'years and months duration',
  'now',
  'today',
  'day of week',
  'day of year',
  'week of year',
  'month of year',
  'get value',
]);

/** Longer sources go to the sandbox: a bounded expression's output is at most its length times its input. */
export const MAX_BOUNDED_SOURCE = 2000;

const CACHE_SIZE = 2000;
const cache = new Map<string, boolean>();
const unaryCache = new Map<string, boolean>();

/** Whether `source` may run in-process (see above); memoised per source text. */
export function isBoundedFeel(source: string): boolean {
  const known = cache.get(source);
  if (known !== undefined) return known;
  const bounded = classify(source);
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(source, bounded);
  return bounded;
}

/**
 * The same test for DMN input entries (FEEL unary tests such as `>= 10`, `"a","b"`, `[1..5]`):
 * these run in-process only, so the decision's deploy refuses one that is not bounded.
 */
export function isBoundedUnaryTests(source: string): boolean {
  const known = unaryCache.get(source);
  if (known !== undefined) return known;
  const bounded = classify(source, parseUnaryTests);
  if (unaryCache.size >= CACHE_SIZE) unaryCache.clear();
  unaryCache.set(source, bounded);
  return bounded;
}

function classify(source: string, parse: typeof parseExpression = parseExpression): boolean {
  if (source.length > MAX_BOUNDED_SOURCE) return false;
  let bounded = true;
  let filters = 0;
  try {
    parse(source, {}, undefined).iterate({
      enter(ref) {
        if (!bounded) return false;
        const name = ref.type.name;
        if (ref.type.isError) {
          bounded = false;
        } else if (name === 'FilterExpression') {
          // One level of filtering is linear in the list; a filter inside a filter is quadratic.
          if (filters > 0) bounded = false;
          filters++;
        } else if (name === 'Interval') {
          // `x in [1..10]` is a constant-time test; a range as a value may be turned into a list.
          if (ref.node.parent?.type.name !== 'SimplePositiveUnaryTest') bounded = false;
        } else if (name === 'FunctionInvocation') {
          const callee = ref.node.firstChild;
          const calleeName =
            callee?.type.name === 'VariableName'
              ? source.slice(callee.from, callee.to).replace(/\s+/g, ' ')
              : undefined;
          if (calleeName === undefined || !BOUNDED_BUILTINS.has(calleeName)) bounded = false;
        } else if (!BOUNDED_NODES.has(name)) {
          bounded = false;
        }
        return bounded ? undefined : false;
      },
      leave(ref) {
        if (ref.type.name === 'FilterExpression') filters--;
      },
    });
  } catch {
    return false;
  }
  return bounded;
}

/**
 * The size of `value` as JSON, counted until it passes `limit` (then `limit + 1`): at most
 * `limit` steps however large or shared the value is, so a list holding the same big string a
 * thousand times is refused without being serialised.
 */
export function jsonSizeUpTo(value: unknown, limit: number): number {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    if (size > limit) return limit + 1;
    const item = stack.pop();
    if (item === null || item === undefined || typeof item === 'boolean') size += 5;
    else if (typeof item === 'number') size += 24;
    else if (typeof item === 'string') size += item.length + 2;
    else if (typeof item === 'function') size += 4;
    else if (Array.isArray(item)) {
      size += 2 + item.length;
      for (let i = item.length - 1; i >= 0 && size <= limit; i--) stack.push(item[i]);
    } else if (typeof item === 'object') {
      const toJson = (item as { toJSON?: () => unknown }).toJSON;
      if (typeof toJson === 'function') {
        stack.push(toJson.call(item));
        continue;
      }
      const proto = Object.getPrototypeOf(item);
      if (proto !== Object.prototype && proto !== null) {
        // feelin's temporal values and ranges: small, fixed-size objects.
        size += 64;
        continue;
      }
      for (const [key, entry] of Object.entries(item)) {
        size += key.length + 4;
        stack.push(entry);
        if (size > limit) break;
      }
    } else size += 8;
  }
  return size > limit ? limit + 1 : size;
}
