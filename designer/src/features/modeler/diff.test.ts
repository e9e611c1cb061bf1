import { describe, expect, it } from 'vitest';
import { compareSignatures } from './diff.js';

describe('compareSignatures', () => {
  it('lists added, removed and changed element ids', () => {
    // given
    const before = new Map([
      ['Start', 'a'],
      ['Task_1', 'b'],
      ['Gone', 'c'],
    ]);
    const after = new Map([
      ['Start', 'a'],
      ['Task_1', 'b2'],
      ['New', 'd'],
    ]);
    // when
    const diff = compareSignatures(before, after);
    // then
    expect(diff).toEqual({ added: ['New'], removed: ['Gone'], changed: ['Task_1'] });
  });
});
