import { describe, expect, it } from 'vitest';
import { errorsToExtraErrors, pointerToPath } from './error-mapping.js';

describe('errorsToExtraErrors', () => {
  it('puts a top-level field error under that field', () => {
    // given
    const errors = [{ pointer: '/amount', message: 'must be >= 1' }];
    // when
    const tree = errorsToExtraErrors(errors);
    // then
    expect(tree).toEqual({ amount: { __errors: ['must be >= 1'] } });
  });

  it('nests errors inside arrays of objects and keeps every message', () => {
    const tree = errorsToExtraErrors([
      { pointer: '/items/1/owner', message: 'must be string' },
      { pointer: '/items/1/owner', message: 'must not be empty' },
      { pointer: '/items/0/due', message: 'must match format "date"' },
    ]);
    expect(tree).toEqual({
      items: {
        '1': { owner: { __errors: ['must be string', 'must not be empty'] } },
        '0': { due: { __errors: ['must match format "date"'] } },
      },
    });
  });

  it('moves a missing required property onto the property itself', () => {
    const tree = errorsToExtraErrors([{ pointer: '', message: "must have required property 'title'" }]);
    expect(tree).toEqual({ title: { __errors: ["must have required property 'title'"] } });
  });

  it('keeps errors about the whole form at the root', () => {
    const tree = errorsToExtraErrors([{ pointer: '/', message: 'must be object' }]);
    expect(tree).toEqual({ __errors: ['must be object'] });
  });

  it('decodes escaped pointer segments', () => {
    expect(pointerToPath('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
    expect(pointerToPath('#/x')).toEqual(['x']);
  });
});
