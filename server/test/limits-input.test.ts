import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimitsFromEnv } from '../src/config.js';
import { HttpProblem } from '../src/errors.js';
import { installTemplates } from '../src/setup/templates.js';
import { parseDateTime } from '../src/util/dates.js';
import { expenseProcess, reviewFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { whileProbingHealth } from './support/health-probe.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/**
 * What a user supplies costs linear time and bounded memory: patterns run on RE2, documents are
 * size-limited and scanned linearly, dates are parsed strictly. Timed assertions are generous
 * (a shared 2-core machine); what they catch is seconds-to-hours, not milliseconds.
 */
describe.each(dialects())('input limits on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  let ada: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
    ada = await t.userSession('ada', ['admin'], ['staff']);
  });
  afterAll(async () => t?.close());

  const saveForm = (formId: string, schema: Record<string, unknown>) =>
    t.call(dana, { method: 'POST', url: '/api/forms', payload: { formId, name: formId, schema } });

  describe('patterns', () => {
    it('rejects a submission against a catastrophic pattern quickly while /health keeps answering', async () => {
      // given `^(a+)+$`, which JavaScript's RegExp needs 2^n steps to refuse for n a's and a "!"
      const schema = {
        type: 'object',
        properties: { code: { type: 'string', pattern: '^(a+)+$' } },
        required: ['code'],
      };
      expect((await saveForm('redos-start', schema)).statusCode).toBe(201);
      await t.saveForm('expense-review', reviewFormSchema);
      const deployed = await t.call(dana, {
        method: 'POST',
        url: '/api/definitions',
        payload: expenseProcess('redos', { startForm: 'redos-start' }),
        headers: { 'content-type': 'application/xml' },
      });
      expect(deployed.statusCode, deployed.body).toBe(201);
      const start = (code: string) =>
        t.call(ada, {
          method: 'POST',
          url: '/api/instances',
          payload: { processId: 'redos', variables: { code } },
        });

      // when a 31-character value is submitted (15 s of backtracking with RegExp; more a's double it)
      const began = performance.now();
      const { result: refused, slowestHealthMs } = await whileProbingHealth(t.app, () =>
        start(`${'a'.repeat(30)}!`),
      );
      const elapsed = performance.now() - began;

      // then it is refused with the field's pointer, in well under a second of work, and the server stayed responsive
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({
        code: 'FORM_DATA_INVALID',
        errors: [{ pointer: '/code', message: 'must match pattern "^(a+)+$"' }],
      });
      expect(elapsed).toBeLessThan(5_000);
      expect(slowestHealthMs).toBeLessThan(1_000);
      console.info(
        `[${dialect}] 31-character near-miss of ^(a+)+$ refused in ${elapsed.toFixed(0)} ms; slowest /health ${slowestHealthMs.toFixed(0)} ms`,
      );
      // and the pattern still means what it says: a long matching value passes, 100 kB of near-miss fails fast
      expect((await start('a'.repeat(5_000))).statusCode).toBe(201);
      const nearMiss = await start(`${'a'.repeat(100_000)}!`);
      expect(nearMiss.json().code).toBe('FORM_DATA_INVALID');
    });

    it('rejects a pattern RE2 cannot run when the form is saved, with its pointer', async () => {
      // given a backreference, a lookahead key of patternProperties and a named backreference
      const cases: [Record<string, unknown>, string][] = [
        [
          { type: 'object', properties: { code: { type: 'string', pattern: '^(a)\\1$' } } },
          '/schema/properties/code/pattern',
        ],
        [
          { type: 'object', properties: {}, patternProperties: { '^(?=x)': { type: 'string' } } },
          '/schema/patternProperties/^(?=x)',
        ],
        [
          {
            type: 'object',
            properties: { list: { type: 'array', items: { type: 'string', pattern: '(?<q>.)\\k<q>' } } },
          },
          '/schema/properties/list/items/pattern',
        ],
        [
          { type: 'object', properties: {}, $defs: { x: { allOf: [{ pattern: '(?<!a)b' }] } } },
          '/schema/$defs/x/allOf/0/pattern',
        ],
      ];
      for (const [schema, pointer] of cases) {
        // when
        const res = await saveForm('bad-pattern', schema);
        // then
        expect(res.statusCode, JSON.stringify(schema)).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().code).toBe('FORM_SCHEMA_INVALID');
        expect(res.json().errors).toEqual([{ pointer, message: expect.stringContaining('linear time') }]);
      }
      const saved = await t.call(dana, { method: 'GET', url: '/api/forms/bad-pattern' });
      expect(saved.statusCode).toBe(404);
    });

    it('refuses a form nested deeper than its budget with 400 and the pointer, not 500', async () => {
      // given a schema and a uiSchema nested 1,000 levels deep (a 500 before the budget)
      let schema: Record<string, unknown> = { type: 'string' };
      for (let i = 0; i < 1000; i++) schema = { not: schema };
      let uiSchema: Record<string, unknown> = {};
      for (let i = 0; i < 1000; i++) uiSchema = { a: uiSchema };
      // when
      const deepSchema = await saveForm('deep', { type: 'object', properties: { a: schema } });
      const deepUi = await t.call(dana, {
        method: 'POST',
        url: '/api/forms',
        payload: { formId: 'deep', name: 'deep', schema: { type: 'object', properties: {} }, uiSchema },
      });
      // then
      expect(deepSchema.statusCode).toBe(400);
      expect(deepSchema.json().code).toBe('FORM_SCHEMA_INVALID');
      expect(deepSchema.json().errors[0].pointer).toBe(`/schema/properties/a${'/not'.repeat(62)}`);
      expect(deepUi.statusCode).toBe(400);
      expect(deepUi.json().errors[0].pointer).toBe(`/uiSchema${'/a'.repeat(64)}`);
    });

    it('reads a property named "pattern" as a property, not as the keyword', async () => {
      // given a field called `pattern` and a constant that looks like one
      const schema = {
        type: 'object',
        properties: { pattern: { type: 'string', const: '(a)\\1' }, other: { const: { pattern: '(?=x)' } } },
      };
      // then the form saves
      expect((await saveForm('pattern-field', schema)).statusCode).toBe(201);
    });

    it('refuses to install a template whose form has a pattern RE2 cannot run, saving none of its forms', async () => {
      // given a template with one good form and one with a lookbehind
      const good = { formId: 'tpl-good', name: 'Good', schema: { type: 'object', properties: {} } };
      const bad = {
        formId: 'tpl-bad',
        name: 'Bad',
        schema: { type: 'object', properties: { x: { type: 'string', pattern: '(?<=a)b' } } },
      };
      // when
      const [outcome] = await installTemplates(t.engine, t.store, [
        { manifest: { id: 'tpl' }, xml: expenseProcess('tpl'), forms: [good, bad] },
      ]);
      // then
      expect(outcome?.error).toContain("form 'tpl-bad' is invalid: /schema/properties/x/pattern");
      expect(outcome?.formsSaved).toBe(0);
      expect(await t.store.forms.get('tpl-good')).toBeFalsy();
    });
  });

  describe('documents', () => {
    // The reported attack: a megabyte of `<userTask>` start tags that never close.
    const openTags = (bytes: number) => '<userTask>'.repeat(Math.floor(bytes / 10));
    const validate = (xml: string) =>
      t.call(dana, {
        method: 'POST',
        url: '/api/definitions/validate',
        payload: xml,
        headers: { 'content-type': 'application/xml' },
      });

    it('validates BPMN in time linear in its size, refuses 10 MB with 413, and /health keeps answering', async () => {
      // given 1 MB, 5 MB (under the 5 MiB default) and 10 MB
      const timed = async (bytes: number) => {
        const began = performance.now();
        const { result, slowestHealthMs } = await whileProbingHealth(t.app, () => validate(openTags(bytes)));
        return { res: result, ms: performance.now() - began, slowestHealthMs };
      };
      await timed(100_000); // warm up
      // when
      const one = await timed(1_000_000);
      const five = await timed(5_000_000);
      const ten = await timed(10_000_000);
      // then the documents are answered (invalid XML is a 200 with issues, not an error)
      expect(one.res.statusCode).toBe(200);
      expect(five.res.statusCode).toBe(200);
      expect(five.res.json().issues.length).toBeGreaterThan(0);
      // and 5x the size takes well under 10x the time (a quadratic scan takes 25x: 24 s at 1 MB)
      expect(five.ms).toBeLessThan(Math.max(one.ms, 50) * 10);
      // and 10 MB is refused before it is read
      expect(ten.res.statusCode).toBe(413);
      expect(ten.res.json()).toMatchObject({ code: 'BODY_TOO_LARGE', status: 413 });
      for (const run of [one, five, ten]) expect(run.slowestHealthMs).toBeLessThan(1_000);
      const slowest = Math.max(one.slowestHealthMs, five.slowestHealthMs, ten.slowestHealthMs);
      console.info(
        `[${dialect}] validate 1 MB: ${one.ms.toFixed(0)} ms, 5 MB: ${five.ms.toFixed(0)} ms, 10 MB refused in ${ten.ms.toFixed(0)} ms; slowest /health ${slowest.toFixed(0)} ms`,
      );
    });

    it('still pins a missing form on the element that names it', async () => {
      // given a process whose start event and review task name forms nobody saved, and a
      // self-closing user task before them that names none
      const xml = expenseProcess('names', { startForm: 'nowhere', reviewForm: 'nowhere-either' }).replace(
        '<bpmn:startEvent id="start">',
        '<bpmn:userTask id="lone" /><bpmn:startEvent id="start">',
      );
      // when
      const res = await validate(xml);
      // then each issue is on the element that names the form
      const missing = res.json().issues.filter((i: { code: string }) => i.code === 'FORM_NOT_FOUND');
      expect(missing).toEqual([
        expect.objectContaining({ elementId: 'start', message: expect.stringContaining("'nowhere'") }),
        expect.objectContaining({
          elementId: 'review',
          message: expect.stringContaining("'nowhere-either'"),
        }),
      ]);
    });

    it('refuses a form document over the form body limit with 413', async () => {
      // given a 1.1 MB schema (the default limit is 1 MiB)
      const schema = { type: 'object', properties: {}, description: 'x'.repeat(1_100_000) };
      // when
      const res: LightMyRequestResponse = await saveForm('huge', schema);
      // then
      expect(res.statusCode).toBe(413);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('BODY_TOO_LARGE');
    });
  });

  describe('dates', () => {
    const tasksDueBefore = (value: string) =>
      t.call(ada, { method: 'GET', url: `/api/tasks?scope=all&dueBefore=${encodeURIComponent(value)}` });

    it('reads a leap second in a query as the second before it', async () => {
      // when
      const leap = await tasksDueBefore('2026-12-31T23:59:60Z');
      const before = await tasksDueBefore('2026-12-31T23:59:59Z');
      // then
      expect(leap.statusCode, leap.body).toBe(200);
      expect(leap.json().total).toBe(before.json().total);
    });

    it('answers impossible dates with 400 and the parameter, never 500', async () => {
      for (const value of [
        '2026-02-30T00:00:00Z',
        '2026-02-28T24:00:00Z',
        '2026-13-01T00:00:00Z',
        'soon',
        '2026-01-01T00:00:00',
      ]) {
        // when
        const res = await tasksDueBefore(value);
        // then
        expect(res.statusCode, value).toBe(400);
        expect(res.json().errors).toContainEqual(expect.objectContaining({ pointer: '/dueBefore' }));
      }
    });

    it('accepts the years a database can hold and refuses year 0000 with 400', async () => {
      for (const value of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:60Z', '2026-06-30T23:59:60.5+00:00']) {
        expect((await tasksDueBefore(value)).statusCode, value).toBe(200);
      }
      // year 0000 is RFC 3339, but PostgreSQL has no year 0
      const zero = await tasksDueBefore('0000-01-01T00:00:00Z');
      expect(zero.statusCode).toBe(400);
      expect(zero.json()).toMatchObject({ code: 'INVALID_DATE', errors: [{ pointer: '/dueBefore' }] });
    });
  });
});

describe('strict date parser', () => {
  it('normalises a leap second to the second before it', () => {
    expect(parseDateTime('2026-12-31T23:59:60Z', '/at').toISOString()).toBe('2026-12-31T23:59:59.000Z');
    expect(parseDateTime('2027-01-01T00:59:60+01:00', '/at').toISOString()).toBe('2026-12-31T23:59:59.000Z');
  });

  it('refuses an impossible date with a 400 that points at the parameter', () => {
    for (const text of [
      '2026-02-30T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-01-01T00:00:00',
      '0000-01-01T00:00:00Z',
      '',
      'x',
    ]) {
      let thrown: unknown;
      try {
        parseDateTime(text, '/dueBefore');
      } catch (err) {
        thrown = err;
      }
      expect(thrown, text).toBeInstanceOf(HttpProblem);
      expect(thrown).toMatchObject({
        status: 400,
        code: 'INVALID_DATE',
        details: { errors: [{ pointer: '/dueBefore' }] },
      });
    }
  });
});

describe('body limits from the environment', () => {
  it('reads byte counts and keeps the defaults for what is unset', () => {
    expect(bodyLimitsFromEnv({})).toEqual({
      bodyLimit: 1024 * 1024,
      deployBodyLimit: 5 * 1024 * 1024,
      formBodyLimit: 1024 * 1024,
    });
    expect(bodyLimitsFromEnv({ BATON_DEPLOY_BODY_LIMIT: '20971520' }).deployBodyLimit).toBe(20 * 1024 * 1024);
  });

  it('stops on a value that is not a sane number of bytes', () => {
    for (const text of ['5MB', '-1', '0', '1e9', `${2 ** 40}`]) {
      expect(() => bodyLimitsFromEnv({ BATON_FORM_BODY_LIMIT: text }), text).toThrow(/BATON_FORM_BODY_LIMIT/);
    }
  });
});
