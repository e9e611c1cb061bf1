import fc from 'fast-check';

/** Strings that have broken SQL builders: quotes, comments, casts, statement ends, LIKE wildcards. */
export const SQL_META = [
  "'",
  "''",
  '"',
  '\\',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(10)',
  '%',
  '_',
  '%_%',
  '\\%',
  '$1',
  '::text',
  '/*',
  '*/',
  '--',
  "E'\\x00'",
  "admin'--",
  '1) OR (1=1',
];

/** Markup that would run if a page put it into the DOM unescaped. */
export const XSS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert('x')",
  '<svg onload=alert(1)>',
  '{{constructor.constructor("alert(1)")()}}',
  '</textarea><script>alert(1)</script>',
];

/** Names and values that poke at JavaScript object machinery and path handling. */
const ODD = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '..',
  '../../etc/passwd',
  '.',
  ' ',
  '',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  'true',
  '[]',
  '{}',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '😀',
  '\u202E',
];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL_META, ...XSS, ...ODD),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.uuid(),
  fc.integer({ min: 2_000, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** JSON that is nested `depth` levels deep, as text (built without recursion). */
export function deeplyNestedJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Values of any JSON type, including the nasty strings. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { maxDepth: 3 },
  fc.jsonValue({ maxDepth: 3 }),
  nastyString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0),
  fc.array(nastyString, { maxLength: 4 }),
  fc.dictionary(nastyString, nastyString, { maxKeys: 4 }),
);

/** Keys the API's bodies and queries use, so random values land on real fields. */
export const KNOWN_KEYS = [
  'username',
  'password',
  'displayName',
  'roles',
  'groups',
  'locale',
  'name',
  'usernames',
  'formId',
  'schema',
  'uiSchema',
  'xml',
  'processId',
  'version',
  'variables',
  'businessKey',
  'status',
  'startedAfter',
  'startedBefore',
  'overdue',
  'q',
  'scope',
  'dueBefore',
  'sort',
  'limit',
  'offset',
  'toUser',
  'toGroup',
  'reason',
  'targetElementId',
  'text',
  'user',
  'correlationKey',
  'type',
  'workerId',
  'maxJobs',
  'lockMs',
  'retries',
  'errorMessage',
  'retryBackoffMs',
  'errorCode',
  'instanceId',
  'open',
  'latestOnly',
];

const key = fc.oneof(
  fc.constantFrom(...KNOWN_KEYS),
  nastyString.filter((k) => k.length < 100),
);

/** A request body: mostly objects with real field names and wrong values, sometimes anything at all. */
export const anyBody: fc.Arbitrary<{ readonly text: string; readonly contentType: string }> = fc.oneof(
  fc
    .dictionary(key, anyJson, { maxKeys: 6 })
    .map((o) => ({ text: JSON.stringify(o), contentType: 'application/json' })),
  anyJson.map((v) => ({ text: JSON.stringify(v) ?? 'null', contentType: 'application/json' })),
  fc.constantFrom('array', 'object').map((kind) => ({
    text: deeplyNestedJson(20_000, kind as 'array' | 'object'),
    contentType: 'application/json',
  })),
  fc
    .constantFrom(
      '{"a":',
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '',
      'null',
      '"x"',
    )
    .map((text) => ({ text, contentType: 'application/json' })),
  nastyString.map((text) => ({ text, contentType: 'text/plain' })),
  fc.constantFrom('<x/>', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>').map((text) => ({
    text,
    contentType: 'application/xml',
  })),
);

/** A query string built from real and random keys, repeated keys included (they arrive as arrays). */
export const anyQuery: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      key,
      fc.oneof(nastyString, fc.integer().map(String), fc.constantFrom('true', 'false', '2026-01-01')),
    ),
    {
      maxLength: 5,
    },
  )
  .map((pairs) => {
    const params = new URLSearchParams();
    for (const [k, v] of pairs) params.append(k, v);
    const text = params.toString();
    return text ? `?${text}` : '';
  });
