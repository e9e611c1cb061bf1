import { describe, expect, it } from 'vitest';
import { toRjsfErrors } from './csp-validator.js';
import { checkSchemaShape, validateSchema } from './json-schema-check.js';

const expense = {
  type: 'object',
  properties: {
    amount: { type: 'number', minimum: 1, maximum: 1000 },
    purpose: { type: 'string', minLength: 3, maxLength: 10, pattern: '^[a-z ]+$' },
    due: { type: 'string', format: 'date' },
    email: { type: 'string', format: 'email' },
    size: { type: 'string', enum: ['s', 'm'] },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, uniqueItems: true, maxItems: 2 },
    actions: { type: 'array', items: { $ref: '#/$defs/action' } },
  },
  required: ['amount', 'purpose'],
  $defs: { action: { type: 'object', properties: { owner: { type: 'string' } }, required: ['owner'] } },
} as const;

const messages = (data: unknown) =>
  validateSchema(expense, data).map((e) => `${e.instancePath} ${e.message}`);

describe('validateSchema', () => {
  it('accepts valid data', () => {
    expect(
      messages({ amount: 5, purpose: 'team', due: '2026-02-28', tags: ['a'], actions: [{ owner: 'kim' }] }),
    ).toEqual([]);
  });

  it('reports each failure with the instance path and the wording Ajv uses', () => {
    // when
    const result = messages({
      amount: 5000,
      purpose: 'X',
      due: '2026-02-30',
      email: 'nope',
      size: 'xl',
      tags: ['a', 'a', 'b'],
      actions: [{}],
    });
    // then
    expect(result).toEqual([
      '/amount must be <= 1000',
      '/purpose must NOT have fewer than 3 characters',
      '/purpose must match pattern "^[a-z ]+$"',
      '/due must match format "date"',
      '/email must match format "email"',
      '/size must be equal to one of the allowed values',
      '/tags must NOT have more than 2 items',
      '/tags must NOT have duplicate items (items ## 0 and 1 are identical)',
      "/actions/0 must have required property 'owner'",
    ]);
  });

  it('reports missing required properties and wrong types', () => {
    expect(messages({ amount: 'many' })).toEqual(
      ["must have required property 'purpose'", '/amount must be number'].map((m) =>
        m.startsWith('/') ? m : ` ${m}`,
      ),
    );
  });

  it('handles combinators and conditionals', () => {
    const schema = {
      type: 'object',
      properties: { kind: { type: 'string' }, reason: { type: 'string' } },
      if: { properties: { kind: { const: 'reject' } } },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here.
      then: { required: ['reason'] },
      anyOf: [{ required: ['kind'] }, { required: ['reason'] }],
    };
    expect(validateSchema(schema, { kind: 'reject' }).map((e) => e.keyword)).toEqual(['required']);
    expect(validateSchema(schema, { kind: 'ok' })).toEqual([]);
    // an absent property satisfies `if` (as the spec says), so `then` applies too
    expect(validateSchema(schema, {}).map((e) => e.keyword)).toEqual(['anyOf', 'required']);
  });
});

describe('toRjsfErrors', () => {
  it('puts a missing property error on the property, as rjsf expects', () => {
    const [error] = toRjsfErrors(validateSchema(expense, { purpose: 'abc' }));
    expect(error).toMatchObject({
      name: 'required',
      property: '.amount',
      message: "must have required property 'amount'",
    });
  });
});

describe('checkSchemaShape', () => {
  it('accepts a well-formed schema and points at the first fault of a broken one', () => {
    expect(checkSchemaShape(expense)).toBeNull();
    expect(checkSchemaShape({ type: 'object', properties: { a: { type: 'text' } } })).toBe(
      '/properties/a/type: unknown type "text"',
    );
    expect(checkSchemaShape({ properties: { a: { pattern: '([' } } })).toBe(
      '/properties/a/pattern: not a valid regular expression',
    );
    expect(checkSchemaShape({ properties: { a: { $ref: '#/$defs/missing' } } })).toBe(
      "/properties/a/$ref: can't resolve reference #/$defs/missing",
    );
    expect(checkSchemaShape({ required: 'a' })).toBe('/required: must be an array of property names');
  });
});
