import type { RJSFSchema } from '@rjsf/utils';
import { describe, expect, it } from 'vitest';
import { cspValidator, validateForm } from './csp-validator.js';

const expense = {
  type: 'object',
  properties: {
    amount: { type: 'number', minimum: 1, maximum: 1000 },
    purpose: { type: 'string', minLength: 3, maxLength: 10, pattern: '^[a-z ]+$' },
    due: { type: 'string', format: 'date' },
    email: { type: 'string', format: 'email' },
    site: { type: 'string', format: 'uri' },
    size: { type: 'string', enum: ['s', 'm'] },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, uniqueItems: true, maxItems: 2 },
    actions: { type: 'array', items: { $ref: '#/$defs/action' } },
  },
  required: ['amount', 'purpose'],
  $defs: {
    action: {
      type: 'object',
      properties: { owner: { type: 'string' }, steps: { type: 'array', items: { type: 'integer' } } },
      required: ['owner'],
    },
  },
} as RJSFSchema;

const messages = (data: unknown, schema: RJSFSchema = expense) =>
  validateForm(schema, data).map((e) => `${e.instancePath} ${e.message}`);

describe('validateForm', () => {
  it('accepts valid data', () => {
    expect(
      messages({
        amount: 5,
        purpose: 'team',
        due: '2026-02-28',
        email: 'kim@example.org',
        site: 'https://example.org/a',
        tags: ['a'],
        actions: [{ owner: 'kim', steps: [1, 2] }],
      }),
    ).toEqual([]);
  });

  it('reports every failure with its JSON pointer in the wording Ajv uses', () => {
    // when
    const result = messages({
      amount: 5000,
      purpose: 'X',
      due: '2026-02-30',
      email: 'nope',
      site: 'not a uri',
      size: 'xl',
      tags: ['a', 'a', 'b'],
      actions: [{ steps: [1, 2.5] }],
    });
    // then
    expect(result.sort()).toEqual(
      [
        '/amount must be <= 1000',
        '/purpose must NOT have fewer than 3 characters',
        '/purpose must match pattern "^[a-z ]+$"',
        '/due must match format "date"',
        '/email must match format "email"',
        '/site must match format "uri"',
        '/size must be equal to one of the allowed values',
        '/tags must NOT have more than 2 items',
        '/tags must NOT have duplicate items (items ## 0 and 1 are identical)',
        "/actions/0 must have required property 'owner'",
        '/actions/0/steps/1 must be integer',
      ].sort(),
    );
  });

  it('reports missing required properties and wrong types, and skips empty fields', () => {
    // given rjsf leaves `undefined` for a field the user cleared
    const data = { amount: 'many', purpose: undefined };
    // then
    expect(messages(data)).toEqual(
      ["must have required property 'purpose'", '/amount must be number'].map((m) =>
        m.startsWith('/') ? m : ` ${m}`,
      ),
    );
  });

  it('checks lower bounds, exclusive bounds and multiples', () => {
    const schema = {
      type: 'object',
      properties: {
        rating: { type: 'integer', minimum: 1, maximum: 5 },
        share: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, multipleOf: 0.25 },
        note: { type: 'string', maxLength: 3 },
        members: { type: 'array', minItems: 2 },
      },
    } as RJSFSchema;
    expect(messages({ rating: 0, share: 1, note: 'long', members: ['kim'] }, schema)).toEqual([
      '/rating must be >= 1',
      '/share must be < 1',
      '/note must NOT have more than 3 characters',
      '/members must NOT have fewer than 2 items',
    ]);
    expect(messages({ share: 0.3 }, schema)).toEqual(['/share must be multiple of 0.25']);
  });

  it('handles combinators and conditionals, one line for a failed anyOf', () => {
    const schema = {
      type: 'object',
      properties: { kind: { type: 'string' }, reason: { type: 'string' } },
      if: { properties: { kind: { const: 'reject' } } },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here.
      then: { required: ['reason'] },
      anyOf: [{ required: ['kind'] }, { required: ['reason'] }],
    } as RJSFSchema;
    expect(validateForm(schema, { kind: 'reject' }).map((e) => e.keyword)).toEqual(['required']);
    expect(validateForm(schema, { kind: 'ok' })).toEqual([]);
    // an absent property satisfies `if` (as the spec says), so `then` applies too
    expect(validateForm(schema, {}).map((e) => e.keyword)).toEqual(['anyOf', 'required']);
  });

  it('names the extra property when additional properties are forbidden', () => {
    const schema = { type: 'object', properties: { a: {} }, additionalProperties: false } as RJSFSchema;
    expect(validateForm(schema, { a: 1, b: 2 })).toEqual([
      expect.objectContaining({
        instancePath: '',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'b' },
        message: 'must NOT have additional properties',
      }),
    ]);
  });

  it('leaves the future-date keyword to the server and escapes odd property names', () => {
    // given
    const schema = {
      type: 'object',
      properties: { 'due/date': { type: 'string', format: 'date', 'x-baton-future': true } },
    } as RJSFSchema;
    // then a past date passes here (the server's 400 marks it), a malformed one does not
    expect(validateForm(schema, { 'due/date': '2000-01-01' })).toEqual([]);
    expect(validateForm(schema, { 'due/date': 'soon' })).toEqual([
      expect.objectContaining({ instancePath: '/due~1date', keyword: 'format' }),
    ]);
  });
});

describe('patterns and formats in linear time', () => {
  const timed = <T>(work: () => T): { result: T; ms: number } => {
    const start = performance.now();
    const result = work();
    return { result, ms: performance.now() - start };
  };

  it('refuses a near-miss of a catastrophic pattern at once, and still matches it', () => {
    // given `^(a+)+$`: RegExp needs seconds for 30 a's and a "!", twice as long per further a
    const schema = {
      type: 'object',
      properties: { code: { type: 'string', pattern: '^(a+)+$' } },
    } as RJSFSchema;
    // when
    const { result, ms } = timed(() => messages({ code: `${'a'.repeat(30)}!` }, schema));
    // then (generous: a shared machine)
    expect(result).toEqual(['/code must match pattern "^(a+)+$"']);
    expect(ms).toBeLessThan(1_000);
    expect(messages({ code: 'a'.repeat(10_000) }, schema)).toEqual([]);
  });

  it('keeps a pattern beside a format of its own, each reported as itself', () => {
    const schema = {
      type: 'object',
      properties: { email: { type: 'string', format: 'email', pattern: '^k' } },
    } as RJSFSchema;
    expect(validateForm(schema, { email: 'kim@example.org' })).toEqual([]);
    expect(validateForm(schema, { email: 'sam@example.org' })).toEqual([
      expect.objectContaining({
        instancePath: '/email',
        keyword: 'pattern',
        schemaPath: '#/properties/email/pattern',
        message: 'must match pattern "^k"',
      }),
    ]);
    expect(validateForm(schema, { email: 'kim' }).map((e) => e.keyword)).toEqual(['format']);
  });

  it('checks a url in linear time, refusing private hosts as before', () => {
    const schema = { type: 'object', properties: { site: { type: 'string', format: 'url' } } } as RJSFSchema;
    // the library's own check takes a second for 28 a's
    const { result, ms } = timed(() => messages({ site: `http://${'a'.repeat(40)}!` }, schema));
    expect(result).toEqual(['/site must match format "url"']);
    expect(ms).toBeLessThan(1_000);
    expect(messages({ site: 'https://example.org/a?b#c' }, schema)).toEqual([]);
    expect(messages({ site: 'http://192.168.1.1/' }, schema)).toEqual(['/site must match format "url"']);
  });

  it('leaves patternProperties to the server, never reporting an error it would not', () => {
    // given property names matched by a catastrophic pattern, and no other properties allowed
    const schema = {
      type: 'object',
      patternProperties: { '^(a+)+$': { type: 'number' } },
      additionalProperties: false,
    } as RJSFSchema;
    // when
    const { result, ms } = timed(() => validateForm(schema, { [`${'a'.repeat(30)}!`]: 1, aaa: 2 }));
    // then
    expect(result).toEqual([]);
    expect(ms).toBeLessThan(1_000);
  });
});

describe('cspValidator', () => {
  it('puts each error on its field in the error schema, a missing property on the property', () => {
    // when
    const { errors, errorSchema } = cspValidator.validateFormData(
      { purpose: 'abc', actions: [{ owner: 'kim', steps: ['x'] }] } as Record<string, unknown>,
      expense,
    );
    // then
    expect(errors.map((e) => [e.property, e.message])).toEqual([
      ['.amount', "must have required property 'amount'"],
      ['.actions.0.steps.0', 'must be integer'],
    ]);
    expect(errorSchema).toEqual({
      amount: { __errors: ["must have required property 'amount'"] },
      actions: { 0: { steps: { 0: { __errors: ['must be integer'] } } } },
    });
  });

  it('keeps property names with dots in one path segment', () => {
    const schema = { type: 'object', properties: { 'v1.2': { type: 'number' } } } as RJSFSchema;
    const { errors, errorSchema } = cspValidator.validateFormData({ 'v1.2': 'x' }, schema);
    expect(errors[0]?.property).toBe('.v1.2');
    expect(errorSchema).toEqual({ 'v1.2': { __errors: ['must be number'] } });
  });

  it('checks a sub-schema whose $ref points into the root schema (rjsf option matching)', () => {
    // given the `items` schema of `actions`, as rjsf passes it with the root
    const option = { $ref: '#/$defs/action' } as RJSFSchema;
    // then
    expect(cspValidator.isValid(option, { owner: 'kim' }, expense)).toBe(true);
    expect(cspValidator.isValid(option, { steps: [] }, expense)).toBe(false);
    expect(cspValidator.isValid({ $ref: '#/$defs/missing' } as RJSFSchema, {}, expense)).toBe(false);
    // and boolean options mean what they say
    expect(cspValidator.isValid(true as unknown as RJSFSchema, { any: 1 }, expense)).toBe(true);
    expect(cspValidator.isValid(false as unknown as RJSFSchema, {}, expense)).toBe(false);
  });

  it('reports an unresolvable reference as a validation error rather than throwing', () => {
    const broken = { type: 'object', properties: { a: { $ref: '#/$defs/none' } } } as RJSFSchema;
    const raw = cspValidator.rawValidation(broken, { a: 1 });
    expect(raw.validationError?.message).toMatch(/Unresolved \$ref/);
    expect(cspValidator.validateFormData({ a: 1 }, broken).errorSchema).toEqual({
      __errors: ['Unresolved $ref "#/$defs/none".'],
    });
  });
});
