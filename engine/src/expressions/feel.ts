import { date, dateAndTime, evaluate, parseExpression } from 'feelin';
import { ExpressionBudgetError, ExpressionError } from '../errors.js';
import type { Expr } from '../model/types.js';
import type { JsonValue, Variables } from '../runtime/types.js';
import { isBoundedFeel, jsonSizeUpTo } from './feel-cost.js';
import { evaluateInSandbox } from './feel-sandbox.js';
import { currentFeelLimits } from './limits.js';

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

/**
 * Evaluates FEEL against `variables`; throws `ExpressionError` on a syntax or evaluation failure
 * and `ExpressionBudgetError` (an `ExpressionError`) when it runs out of its budget.
 *
 * Bounded expressions (`isBoundedFeel`: no loops, functions or list-building built-ins, the
 * gateway conditions and mappings nearly all processes use) run in-process; the rest run in the
 * sandbox under a deadline and a heap limit. Either way the result must fit `maxResultBytes`.
 */
export function evaluateFeel(source: string, variables: Variables, options: FeelOptions): JsonValue {
  const named = plainVariable(source, variables);
  if (!named && !isBoundedFeel(source)) return evaluateInSandbox(source, variables, options.now);
  const result = named ? named.value : evaluateInProcess(source, variables, options.now);
  const limit = currentFeelLimits().maxResultBytes;
  if (typeof result === 'object' && result !== null && jsonSizeUpTo(result, limit) > limit)
    throw new ExpressionBudgetError(
      source,
      'result size',
      `the result is larger than ${limit} bytes as JSON`,
    );
  if (typeof result === 'string' && result.length > limit)
    throw new ExpressionBudgetError(
      source,
      'result size',
      `the result is larger than ${limit} bytes as JSON`,
    );
  return toJson(result);
}

function evaluateInProcess(source: string, variables: Variables, now: Date): unknown {
  const context: Record<string, unknown> = {
    ...variables,
    // FEEL values, not strings, so `now() + duration("P3D")` works as in Zeebe.
    now: () => dateAndTime(now.toISOString()),
    today: () => date(now.toISOString().slice(0, 10)),
  };
  try {
    return evaluate(source, context).value;
  } catch (error) {
    throw new ExpressionError(source, (error as Error).message);
  }
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The value of an expression that is only the name of a variable holding a string, number,
 * boolean or null (`=requester`: an assignee or a mapping read off one variable), as FEEL
 * answers it, without parsing; undefined for any other expression (the result's budget and
 * normalisation are the caller's, as for any result). FEEL's answer is the variable even where
 * the name is also a keyword or a built-in function (feelin reads the context first); `now` and
 * `today` are the engine's clock whatever the variables say, so they are left to FEEL. Test:
 * `test/expressions/feel-names.test.ts` (the same answers as feelin for any name and value).
 */
function plainVariable(source: string, variables: Variables): { value: JsonValue } | undefined {
  if (source === 'now' || source === 'today' || !PLAIN_NAME.test(source) || !Object.hasOwn(variables, source))
    return undefined;
  const value = variables[source];
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return { value };
  return undefined;
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
