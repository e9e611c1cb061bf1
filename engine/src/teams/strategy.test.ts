import { describe, expect, it } from 'vitest';
import { parseAssignmentStrategy, strategyName } from './strategy.js';

describe('baton:assignment values', () => {
  it('reads the three strategies', () => {
    expect(parseAssignmentStrategy('round-robin')).toEqual({ kind: 'round-robin' });
    expect(parseAssignmentStrategy(' least-open ')).toEqual({ kind: 'least-open' });
    expect(parseAssignmentStrategy('attribute:skill=german')).toEqual({
      kind: 'attribute',
      key: 'skill',
      value: 'german',
    });
  });

  it('names an attribute strategy as it was written', () => {
    expect(strategyName({ kind: 'attribute', key: 'lang', value: 'zh' })).toBe('attribute:lang=zh');
  });

  it('refuses anything else with a message that lists what is accepted', () => {
    for (const bad of [
      'random',
      'attribute:skill',
      'attribute:=x',
      'attribute:skill=',
      'attribute:a=b=c',
      '',
    ]) {
      const parsed = parseAssignmentStrategy(bad);
      expect(parsed).toHaveProperty('error');
      expect((parsed as { error: string }).error).toContain(
        'round-robin, least-open, attribute:<key>=<value>',
      );
    }
  });
});
