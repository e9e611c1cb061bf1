import { describe, expect, it } from 'vitest';
import { compareSignatures } from './diff.js';
import { withoutUnsupported } from './restrict-elements.js';

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

describe('withoutUnsupported', () => {
  it('drops menu entries for elements the engine does not execute', () => {
    const entries = {
      'replace-with-exclusive-gateway': 1,
      'replace-with-complex-gateway': 2,
      'replace-with-rule-task': 3,
      'replace-with-user-task': 4,
      'replace-with-transaction': 5,
      'replace-with-compensation-boundary': 6,
      'replace-with-conditional-intermediate-catch': 7,
      'replace-with-conditional-flow': 9,
      'replace-with-ad-hoc-subprocess': 10,
      'create.task': 8,
    };
    expect(Object.keys(withoutUnsupported(entries))).toEqual([
      'replace-with-exclusive-gateway',
      'replace-with-user-task',
      'replace-with-transaction',
      'replace-with-compensation-boundary',
      'replace-with-conditional-intermediate-catch',
      'replace-with-conditional-flow',
      'replace-with-ad-hoc-subprocess',
      'create.task',
    ]);
  });
});
