/**
 * How deeply a form document may nest objects and arrays. Forms are shallow (a field list, now
 * and then an array of objects); the validator and serializer recurse, and a schema nested 1,000
 * levels deep made the form save fail with a 500 instead of a 400.
 */
export const MAX_FORM_DEPTH = 64;

/** What a too-deep value is told. */
export const TOO_DEEP = `nests deeper than ${MAX_FORM_DEPTH} levels of objects and arrays`;

/**
 * The pointer of the first value nested deeper than `limit` (objects and arrays), or null.
 * Iterative, so the check itself cannot run out of stack.
 */
export function tooDeep(value: unknown, limit = MAX_FORM_DEPTH): string | null {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, at, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= limit) return at;
    const entries = Array.isArray(node) ? node.entries() : Object.entries(node);
    for (const [key, child] of entries) {
      stack.push([child, `${at}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1]);
    }
  }
  return null;
}
