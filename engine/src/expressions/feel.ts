import { date, dateAndTime, evaluate, parseExpression } from 'feelin';
import { ExpressionError } from '../errors.js';
import type { Expr } from '../model/types.js';
import type { JsonValue, Variables } from '../runtime/types.js';

/**
 * FEEL, through feelin: the only expression language. Nothing a user writes is ever run as
 * JavaScript. Results are normalised to JSON (dates and durations become ISO 8601 strings) so
 * they can be stored as variables.
 *
 * A missing variable evaluates to `null` (feelin warns, Zeebe does the same in most positions);
 * callers that need a value (timers, collections) check for null themselves.
 */

/** Returns a readable syntax problem, or null when `source` parses as a FEEL expression. */
export function feelSyntaxError(source: string): string | null {
  if (source.trim() === '') return 'empty expression';
  let errorAt: number | null = null;
  try {
    const tree = parseExpression(source, {}, undefined);
    tree.iterate({
      enter(node) {
        if (errorAt === null && node.type.isError) errorAt = node.from;
      },
    });
  } catch (error) {
    return (error as Error).message;
  }
  return errorAt === null ? null : `syntax error at position ${errorAt + 1} in '${source}'`;
}

/** Parses Zeebe's convention: `=expr` is FEEL, anything else a static string. */
export function toExpr(raw: string): Expr {
  const trimmed = raw.trim();
  return trimmed.startsWith('=')
    ? { feel: true, source: trimmed.slice(1).trim() }
    : { feel: false, value: raw };
}

export interface FeelOptions {
  /** The instant `now()` and `today()` answer with: the engine's clock, never the wall clock. */
  readonly now: Date;
}

/** Evaluates FEEL against `variables`; throws `ExpressionError` on a syntax or evaluation failure. */
export function evaluateFeel(source: string, variables: Variables, options: FeelOptions): JsonValue {
  const now = options.now;
  const context: Record<string, unknown> = {
    ...variables,
    // FEEL values, not strings, so `now() + duration("P3D")` works as in Zeebe.
    now: () => dateAndTime(now.toISOString()),
    today: () => date(now.toISOString().slice(0, 10)),
  };
  let result: unknown;
  try {
    result = evaluate(source, context).value;
  } catch (error) {
    throw new ExpressionError(source, (error as Error).message);
  }
  return toJson(result);
}

/** Resolves a static-or-FEEL value. */
export function resolveExpr(expr: Expr, variables: Variables, options: FeelOptions): JsonValue {
  return expr.feel ? evaluateFeel(expr.source, variables, options) : expr.value;
}

/** A condition holds only when it evaluates to `true` (null, missing or non-boolean = false). */
export function evaluateCondition(expr: Expr, variables: Variables, options: FeelOptions): boolean {
  return resolveExpr(expr, variables, options) === true;
}

function toJson(value: unknown): JsonValue {
  if (value === undefined || typeof value === 'function') return null;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  // feelin's temporal values and ranges serialise to ISO strings / plain objects.
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
