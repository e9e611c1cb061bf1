import fc from 'fast-check';
import { evaluate } from 'feelin';
import { afterEach, describe, expect, it } from 'vitest';
import { ExpressionBudgetError, ExpressionError } from '../../src/errors.js';
import { evaluateFeel } from '../../src/expressions/feel.js';
import { resetLimits, setFeelLimits } from '../../src/expressions/limits.js';
import type { JsonValue, Variables } from '../../src/runtime/types.js';

const NOW = new Date('2026-03-02T09:30:00Z');

/**
 * feelin's own answer, normalised as the engine normalises results (functions become null), or
 * that it fails.
 */
function feelinAnswer(source: string, variables: Variables): { value: JsonValue } | 'fails' {
  try {
    const { value } = evaluate(source, { ...variables, now: () => null, today: () => null });
    if (typeof value === 'function' || value === undefined) return { value: null };
    if (typeof value === 'number') return { value: Number.isFinite(value) ? value : null };
    return { value: JSON.parse(JSON.stringify(value)) as JsonValue };
  } catch {
    return 'fails';
  }
}

function engineAnswer(source: string, variables: Variables): { value: JsonValue } | 'fails' {
  try {
    return { value: evaluateFeel(source, variables, { now: NOW }) };
  } catch (error) {
    if (error instanceof ExpressionError) return 'fails';
    throw error;
  }
}

/** Names FEEL also reads as keywords or built-in functions, and plain ones. */
const NAMES = fc.oneof(
  fc.constantFrom(
    'true',
    'false',
    'null',
    'not',
    'and',
    'or',
    'if',
    'for',
    'in',
    'some',
    'every',
    'between',
    'instance',
    'of',
    'function',
    'date',
    'count',
    'string',
    'sum',
    'requester',
  ),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/),
);

const VALUES = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('2026-01-01', 'P3D', '10:00:00', ''),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.integer(), { maxKeys: 2 }),
);

describe('an expression that only names a variable', () => {
  afterEach(() => resetLimits());

  it('answers what feelin answers, for any name and value, present or not', () => {
    fc.assert(
      fc.property(
        NAMES,
        VALUES,
        fc.boolean(),
        fc.dictionary(NAMES, VALUES, { maxKeys: 3 }),
        (name, value, present, others) => {
          const variables: Variables = { ...others };
          if (present) variables[name] = value;
          else delete variables[name];
          expect(engineAnswer(name, variables)).toEqual(feelinAnswer(name, variables));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("answers now and today from the engine's clock, whatever a variable of that name holds", () => {
    expect(evaluateFeel('now', { now: 'a variable' }, { now: NOW })).toBeNull();
    expect(evaluateFeel('string(now())', { now: 'a variable' }, { now: NOW })).toContain('2026-03-02T09:30');
    expect(evaluateFeel('string(today())', { today: 'a variable' }, { now: NOW })).toBe('2026-03-02');
  });

  it('keeps the result size budget', () => {
    setFeelLimits({ maxResultBytes: 64 });
    expect(evaluateFeel('note', { note: 'x'.repeat(64) }, { now: NOW })).toBe('x'.repeat(64));
    expect(() => evaluateFeel('note', { note: 'x'.repeat(65) }, { now: NOW })).toThrow(ExpressionBudgetError);
  });
});
