import { describe, expect, it } from 'vitest';
import { declaredVariables, shortText } from './task-context.js';

const form = {
  schema: { type: 'object', properties: { proposal: { type: 'string', title: 'Proposal' } } },
  uiSchema: {
    'ui:context': [
      'proposal',
      { name: 'positionA', title: { en: 'Position of party A', zh: '甲方立场' } },
      'votes',
      42,
    ],
  },
};
const variables = { proposal: 'Share the on-call', positionA: { position: 'No' }, other: 1 };

describe('declaredVariables', () => {
  it('lists the declared variables with their values, in order, skipping malformed entries', () => {
    expect(declaredVariables('ui:context', form, variables, 'en')).toEqual([
      { name: 'proposal', title: 'Proposal', value: 'Share the on-call' },
      { name: 'positionA', title: 'Position of party A', value: { position: 'No' } },
      { name: 'votes', title: 'votes', value: undefined },
    ]);
  });

  it("titles them in Chinese from the entry or the form's own translation", () => {
    const titles = declaredVariables('ui:context', form, variables, 'zh', {
      '/properties/proposal/title': '方案',
    }).map((e) => e.title);
    expect(titles).toEqual(['方案', '甲方立场', 'votes']);
  });

  it('finds nothing when the form declares nothing', () => {
    expect(declaredVariables('ui:headline', form, variables, 'en')).toEqual([]);
    expect(declaredVariables('ui:context', null, variables, 'en')).toEqual([]);
  });
});

describe('shortText', () => {
  it('shortens long values and writes structured ones as JSON', () => {
    expect(shortText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(shortText({ a: 1 })).toBe('{"a":1}');
    expect(shortText(undefined)).toBe('');
  });
});
