import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../errors.js';
import { evaluateCondition, evaluateFeel, feelSyntaxError, toExpr } from './feel.js';

const now = new Date('2026-03-01T10:00:00Z');

describe('FEEL', () => {
  it('answers now() and today() from the injected clock, as FEEL temporal values', () => {
    // when
    const due = evaluateFeel('now() + duration("P3D")', {}, { now });
    const tomorrow = evaluateFeel('today() + duration("P1D")', {}, { now });
    // then
    expect(due).toBe('2026-03-04T10:00:00Z');
    expect(tomorrow).toBe('2026-03-02');
  });

  it('evaluates against the variables and normalises the result to JSON', () => {
    expect(evaluateFeel('{total: sum(items), first: items[1]}', { items: [2, 3] }, { now })).toEqual({
      total: 5,
      first: 2,
    });
  });

  it('treats only true as a holding condition', () => {
    expect(evaluateCondition(toExpr('=amount > 10'), { amount: 11 }, { now })).toBe(true);
    expect(evaluateCondition(toExpr('=amount > 10'), {}, { now })).toBe(false);
    expect(evaluateCondition(toExpr('=amount'), { amount: 'yes' }, { now })).toBe(false);
  });

  it('cannot reach anything outside its context', () => {
    for (const source of ['constructor', '__proto__', 'process', 'globalThis', 'require("fs")']) {
      expect(evaluateFeel(source, {}, { now })).toBeNull();
    }
  });

  it('reports syntax errors with a position, and throws a typed error when evaluation fails', () => {
    expect(feelSyntaxError('a +* (')).toMatch(/position/);
    expect(feelSyntaxError('a + 1')).toBeNull();
    expect(() => evaluateFeel('a +* (', {}, { now })).toThrow(ExpressionError);
  });

  it('tells static strings from expressions by the leading =', () => {
    expect(toExpr('= x')).toEqual({ feel: true, source: 'x' });
    expect(toExpr('staff')).toEqual({ feel: false, value: 'staff' });
  });
});
