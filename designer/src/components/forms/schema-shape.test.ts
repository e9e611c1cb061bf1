import { describe, expect, it } from 'vitest';
import { checkSchemaShape } from './schema-shape.js';

describe('checkSchemaShape', () => {
  it('accepts a well-formed schema and points at the first fault of a broken one', () => {
    expect(
      checkSchemaShape({
        type: 'object',
        properties: { a: { $ref: '#/$defs/x' }, b: { type: ['string', 'null'], pattern: '^b' } },
        $defs: { x: { type: 'integer', minimum: 1 } },
      }),
    ).toBeNull();
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
    expect(checkSchemaShape({ properties: { a: { maximum: '5' } } })).toBe(
      '/properties/a/maximum: must be a number',
    );
  });
});
