import { afterEach, describe, expect, it } from 'vitest';
import { ExpressionBudgetError, ExpressionError, InvalidArgumentError } from '../errors.js';
import { evaluateFeel } from './feel.js';
import { isBoundedFeel, jsonSizeUpTo } from './feel-cost.js';
import { resetLimits, setFeelLimits } from './limits.js';

const now = new Date('2026-03-01T10:00:00Z');

/** Doubles its work per level: depth 20 took 5 s on the event loop before budgets existed. */
const EXPONENTIAL_RECURSION = '{f: function(n) if n = 0 then 0 else f(n - 1) + f(n - 1)}.f(40)';
/** Doubles a list per level: 2^40 elements, a fatal V8 out-of-memory before budgets existed. */
const LIST_DOUBLING =
  '{f: function(l, n) if n = 0 then count(l) else f(concatenate(l, l), n - 1)}.f([1, 2, 3, 4, 5, 6, 7, 8], 40)';

function budgetError(run: () => unknown): ExpressionBudgetError {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpressionBudgetError) return error;
    throw error;
  }
  throw new Error('expected an ExpressionBudgetError');
}

describe('FEEL budgets', () => {
  afterEach(() => resetLimits());

  it('keeps the conditions and mappings gateways use in-process', () => {
    for (const source of [
      'amount > 100',
      'approved = true',
      'x.y',
      'if a then "x" else null',
      'count(items) > 0 and sum(items) < 10',
      'date and time("2026-01-01T00:00:00Z") + duration("P1D")',
      'status in ["new", "open"]',
      'x in [1..5]',
      'items[item > 2]',
      '{total: sum(items), first: items[1]}',
      'upper case(name) = "A"',
      'now() > date and time("2026-01-01T00:00:00Z")',
    ])
      expect(isBoundedFeel(source), source).toBe(true);
  });

  it('sends loops, functions, list builders, regular expressions and nested filters to the sandbox', () => {
    for (const source of [
      'for i in 1..3 return i',
      'some x in l satisfies x > 1',
      'every x in l satisfies x > 1',
      '{f: function(n) n}.f(1)',
      'concatenate(l, l)',
      'matches(s, "(a+)+$")',
      'replace(s, "a", "b")',
      'l[l[item > 1] = item]',
      'count(1..1000000000)',
      'a +* (',
      `x > ${'1 + '.repeat(600)}1`,
    ])
      expect(isBoundedFeel(source), source).toBe(false);
  });

  it('ends exponential recursion at the time limit, and the next expression still evaluates', () => {
    // given a 300 ms deadline
    setFeelLimits({ timeoutMs: 300 });
    const started = Date.now();
    // when a function doubles its work per level
    const error = budgetError(() => evaluateFeel(EXPONENTIAL_RECURSION, {}, { now }));
    // then it fails with the time budget, well before it would finish
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.code).toBe('EXPRESSION_BUDGET_EXCEEDED');
    expect(error.budget).toBe('time');
    expect(error.message).toMatch(/exceeded its time budget: no result within 300 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // and both kinds of expression still evaluate right after
    expect(evaluateFeel('amount > 100', { amount: 101 }, { now })).toBe(true);
    expect(evaluateFeel('for i in 1..3 return i * x', { x: 2 }, { now })).toEqual([2, 4, 6]);
  });

  it('ends a list-doubling expression in the sandbox without taking the process down', () => {
    // when a function doubles a list 40 times
    const error = budgetError(() => evaluateFeel(LIST_DOUBLING, {}, { now }));
    // then the sandbox runs out of time or memory, and this process carries on
    expect(error.budget).toBe('time');
    expect(error.message).toMatch(/64 MB of memory/);
    expect(evaluateFeel('{f: function(n) n * 2}.f(21)', {}, { now })).toBe(42);
  });

  it('ends unbounded recursion at the recursion depth budget', () => {
    const error = budgetError(() => evaluateFeel('{f: function(n) f(n + 1)}.f(1)', {}, { now }));
    expect(error.budget).toBe('recursion depth');
  });

  it('refuses a result larger than the result budget, in-process and in the sandbox', () => {
    // given a 1,000-byte result budget
    setFeelLimits({ maxResultBytes: 1000 });
    const big = 'x'.repeat(600);
    // when a bounded expression or a loop builds more than that
    const inline = budgetError(() => evaluateFeel('[s, s]', { s: big }, { now }));
    const sandboxed = budgetError(() => evaluateFeel('for i in 1..3 return s', { s: big }, { now }));
    // then both name the result size budget
    expect(inline.budget).toBe('result size');
    expect(sandboxed.budget).toBe('result size');
    expect(inline.message).toMatch(/larger than 1000 bytes/);
    // while a result within the budget passes
    expect(evaluateFeel('[s]', { s: big }, { now })).toEqual([big]);
  });

  it('runs a catastrophic regular expression under the time limit', () => {
    setFeelLimits({ timeoutMs: 300 });
    const error = budgetError(() =>
      evaluateFeel('matches(s, "^(a+)+$")', { s: `${'a'.repeat(40)}!` }, { now }),
    );
    expect(error.budget).toBe('time');
  });

  it('reports an ordinary failure in the sandbox as an ExpressionError, not a budget', () => {
    expect(() => evaluateFeel('for i in 1..2 return a +* (', {}, { now })).toThrow(ExpressionError);
    expect(() => evaluateFeel('for i in 1..2 return a +* (', {}, { now })).not.toThrow(ExpressionBudgetError);
  });

  it('answers now() from the injected clock in the sandbox too', () => {
    expect(evaluateFeel('for d in [1] return now() + duration("P1D")', {}, { now })).toEqual([
      '2026-03-02T10:00:00Z',
    ]);
  });

  it('rejects a limit that is not a positive number', () => {
    expect(() => setFeelLimits({ timeoutMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => setFeelLimits({ maxResultBytes: Number.NaN })).toThrow(InvalidArgumentError);
  });

  it('counts a shared value each time it appears, stopping at the limit', () => {
    const s = 'x'.repeat(100);
    expect(jsonSizeUpTo([s, s, s], 10_000)).toBeGreaterThan(300);
    expect(
      jsonSizeUpTo(
        Array.from({ length: 1000 }, () => s),
        1000,
      ),
    ).toBe(1001);
    expect(jsonSizeUpTo({ a: 1 }, 100)).toBeLessThan(100);
  });
});
