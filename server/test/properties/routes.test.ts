import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from '../fixtures/bpmn.js';
import { dialects } from '../support/databases.js';
import { anyBody, anyQuery, nastyString } from './support/arbitraries.js';
import { databaseFingerprint, type Harness, openHarness } from './support/harness.js';
import { SYSTEM } from '@baton/engine';

// A request that takes longer than this on a busy 2-core machine counts as hung.
const HUNG_MS = 10_000;
const RUNS = Number(process.env.BATON_FUZZ_RUNS ?? 250);

/** Routes that cannot be fuzzed as plain requests: the event stream never ends by design. */
const SKIPPED = new Set(['GET /api/events']);

/** encodeURIComponent, with lone surrogates (which it refuses) replaced first. */
function encodePathSegment(text: string): string {
  return encodeURIComponent(
    text.replace(/[\uD800-\uDFFF]/g, (c, i: number) => (isPaired(text, i) ? c : '\uFFFD')),
  );
}

function isPaired(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code <= 0xdbff) return (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00;
  return (text.charCodeAt(index - 1) & 0xfc00) === 0xd800;
}

async function injectWithin(h: Harness, opts: InjectOptions): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung: ${opts.method} ${opts.url}`)), HUNG_MS);
  });
  try {
    return await Promise.race([h.inject(opts), hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(dialects())('every route under random input on %s', (dialect) => {
  let h: Harness;
  let adminHeaders: Record<string, string>;
  let routes: { method: string; url: string }[];
  const realValues: string[] = [];

  beforeAll(async () => {
    h = await openHarness(dialect, { bodyLimit: 256 * 1024, deployBodyLimit: 256 * 1024 });
    adminHeaders = (await h.tokenFor('root', ['admin'], ['staff'])).headers;
    await h.store.forms.save({
      formId: 'expense-start',
      name: 'x',
      schema: startFormSchema,
      uiSchema: {},
      createdBy: 't',
    });
    await h.store.forms.save({
      formId: 'expense-review',
      name: 'x',
      schema: reviewFormSchema,
      uiSchema: {},
      createdBy: 't',
    });
    const [definition] = (await h.engine.deploy(expenseProcess())).definitions;
    const instance = await h.engine.startInstance(
      {
        processId: 'expense',
        variables: { title: 't', amount: 1 },
      },
      SYSTEM,
    );
    const task = (await h.engine.listTasks({ instanceId: instance.id })).items[0];
    const victim = await h.tokenFor('victim', ['staff'], ['staff']);
    realValues.push(
      definition!.id,
      instance.id,
      task!.id,
      victim.userId,
      'expense',
      'expense-start',
      'staff',
      'victim',
    );
    routes = h.app.routeList
      .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD' && !SKIPPED.has(`${r.method} ${r.url}`))
      .map((r) => ({ method: r.method, url: r.url }));
  });
  afterAll(async () => h?.close());

  it('knows the routes it fuzzes', () => {
    expect(routes.length).toBeGreaterThan(30);
  });

  it('answers random params, query and body with a 2xx or a 4xx problem, never a 500 or a hang, and rejects without writing', async () => {
    const paramValue = fc.oneof(
      fc.constantFrom(...realValues),
      nastyString.map(encodePathSegment),
      fc.constantFrom('%', '%zz', '..%2f..%2f', '%00', 'a%2Fb'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(paramValue, { minLength: 3, maxLength: 3 }),
        anyQuery,
        anyBody,
        fc.boolean(),
        async (route, params, query, body, withBody) => {
          // given a request to a real route with random parts
          let index = 0;
          const url = route.url.replace(/:[A-Za-z]+/g, () => params[index++ % params.length] ?? 'x') + query;
          const sendsBody = withBody && route.method !== 'GET' && route.method !== 'DELETE';
          const before = await databaseFingerprint(h.db);
          // when
          const res = await injectWithin(h, {
            method: route.method as InjectOptions['method'],
            url,
            headers: { ...adminHeaders, ...(sendsBody ? { 'content-type': body.contentType } : {}) },
            ...(sendsBody ? { payload: body.text } : {}),
          });
          // then
          const where = `${route.method} ${url.slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          if (res.statusCode >= 400) {
            expect(res.headers['content-type'], where).toContain('application/problem+json');
            const problem = res.json() as { status?: unknown; code?: unknown };
            expect(problem.status, where).toBe(res.statusCode);
            expect(typeof problem.code, where).toBe('string');
            expect(await databaseFingerprint(h.db), `rejected but changed the database: ${where}`).toBe(
              before,
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers hostile BPMN uploads with a 4xx problem and deploys nothing', async () => {
    const xml = fc.oneof(
      fc.constantFrom(
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><a>&b;</a>',
        `${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`,
        expenseProcess().slice(0, 500),
        expenseProcess().replace('isExecutable="true"', ''),
        expenseProcess('other', { startForm: 'missing-form' }),
      ),
      fc.tuple(fc.nat(), nastyString).map(([at, junk]) => {
        const valid = expenseProcess('mutant');
        const cut = at % valid.length;
        return valid.slice(0, cut) + junk + valid.slice(cut + 1);
      }),
    );
    await fc.assert(
      fc.asyncProperty(xml, fc.boolean(), async (text, asJson) => {
        const before = await databaseFingerprint(h.db);
        const res = await injectWithin(h, {
          method: 'POST',
          url: '/api/definitions',
          headers: { ...adminHeaders, 'content-type': asJson ? 'application/json' : 'application/xml' },
          payload: asJson ? JSON.stringify({ xml: text }) : text,
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
        if (res.statusCode >= 400) expect(await databaseFingerprint(h.db)).toBe(before);
      }),
      { numRuns: Math.ceil(RUNS / 5) },
    );
  });

  it.each([
    ['a NUL character in the XML', expenseProcess('nul-raw').replace('Expense claim', 'Expense\u0000claim')],
    ['a character reference to NUL', expenseProcess('nul-ref').replace('Expense claim', 'Expense&#0;claim')],
  ])('refuses BPMN with %s with a 4xx problem, never a 500', async (_name, xml) => {
    const before = await databaseFingerprint(h.db);
    const res = await injectWithin(h, {
      method: 'POST',
      url: '/api/definitions',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: JSON.stringify({ xml }),
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
    if (res.statusCode >= 400) expect(await databaseFingerprint(h.db)).toBe(before);
  });

  it.each(['/api/tasks/%', '/api/forms/%zz', `/api/instances/${'x'.repeat(500)}`])(
    'answers a malformed or oversized path (%#) with a problem',
    async (url) => {
      const res = await injectWithin(h, { method: 'GET', url, headers: adminHeaders });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    },
  );

  it('answers random form schemas and form submissions with 4xx problems, never a 500', async () => {
    const schema = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({
        type: fc.constantFrom('object', 'string', 'nope', 3),
        properties: fc.jsonValue({ maxDepth: 3 }),
      }),
      fc.constantFrom(
        { $ref: '#/definitions/loop', definitions: { loop: { $ref: '#/definitions/loop' } } },
        { $ref: 'http://127.0.0.1:1/remote.json' },
        { type: 'string', pattern: '(a+)+$' },
        { type: 'string', format: 'no-such-format' },
        { $schema: 'http://example.com/unknown', type: 'object' },
      ),
    );
    await fc.assert(
      fc.asyncProperty(schema, fc.jsonValue({ maxDepth: 3 }), async (formSchema, data) => {
        const saved = await injectWithin(h, {
          method: 'POST',
          url: '/api/forms',
          headers: adminHeaders,
          payload: { formId: 'fuzzed', name: 'Fuzzed', schema: formSchema, uiSchema: {} },
        });
        expect(saved.statusCode, saved.body.slice(0, 300)).toBeLessThan(500);
        const started = await injectWithin(h, {
          method: 'POST',
          url: '/api/instances',
          headers: adminHeaders,
          payload: { processId: 'expense', variables: data },
        });
        expect(started.statusCode, started.body.slice(0, 300)).toBeLessThan(500);
      }),
      { numRuns: Math.ceil(RUNS / 5) },
    );
  });
});
