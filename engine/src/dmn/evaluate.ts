import { unaryTest } from 'feelin';
import { ExpressionError } from '../errors.js';
import { evaluateFeel, type FeelOptions } from '../expressions/feel.js';
import { isBoundedFeel } from '../expressions/feel-cost.js';
import type { JsonValue, Variables } from '../runtime/types.js';
import { type FeelType, isFeelTemporal, TypeRefError, toFeelType, toJsonValue } from './type-ref.js';
import type { Decision, DecisionGraph, DecisionOutput, DecisionTable } from './types.js';

/** What one decision of an evaluation gave (the called one and every decision it required). */
export interface DecisionEvaluation {
  readonly decisionId: string;
  readonly decisionName?: string;
  /** Decision tables: the ids of the rules whose input entries all held, in rule order. */
  readonly matchedRuleIds: readonly string[];
  readonly result: JsonValue;
}

export interface GraphEvaluation {
  /** The called decision's result, shaped as Zeebe hands it to `resultVariable`. */
  readonly result: JsonValue;
  /** Required decisions first (in the order they ran), the called decision last. */
  readonly evaluations: readonly DecisionEvaluation[];
}

/** A decision could not be evaluated: a hit policy was violated or its FEEL failed. */
export class DecisionEvaluationError extends Error {
  constructor(
    readonly decisionId: string,
    message: string,
  ) {
    super(`decision '${decisionId}': ${message}`);
    this.name = 'DecisionEvaluationError';
  }
}

/**
 * Evaluates `decisionId` of `graph` against `variables`, its required decisions first (each
 * once); their results are visible to it under their variable name and their id.
 *
 * Result shapes (Zeebe's): a table with one output gives the output's value, with several a
 * context `{ name: value }`; a single-hit table without a match gives null; COLLECT, RULE ORDER
 * and OUTPUT ORDER give a list, COLLECT with an aggregator a number. A literal expression gives
 * its value. All FEEL runs under the engine's FEEL budget; input entries are FEEL unary tests
 * (checked to be bounded at deploy), with the input's value as `?`.
 *
 * @example evaluateDecision(graph, 'dish', { season: 'Fall' }, { now }).result // "Spareribs"
 */
export function evaluateDecision(
  graph: DecisionGraph,
  decisionId: string,
  variables: Variables,
  options: FeelOptions,
): GraphEvaluation {
  const evaluations: DecisionEvaluation[] = [];
  const results = new Map<string, JsonValue>();
  const base = typedInputData(graph, decisionId, variables);
  const run = (id: string, path: readonly string[]): JsonValue => {
    const known = results.get(id);
    if (known !== undefined || results.has(id)) return known ?? null;
    const decision = graph.decisions[id];
    if (!decision) throw new DecisionEvaluationError(id, 'no such decision in its file');
    if (path.includes(id)) throw new DecisionEvaluationError(id, 'required decisions form a cycle');
    const context: Variables = { ...base };
    if (base !== variables) typedContexts.add(context);
    for (const required of decision.requires) {
      const value = run(required, [...path, id]);
      const requiredDecision = graph.decisions[required];
      context[required] = value;
      if (requiredDecision) context[requiredDecision.variableName] = value;
    }
    const evaluation = evaluateOne(decision, context, options);
    results.set(id, evaluation.result);
    evaluations.push(evaluation);
    return evaluation.result;
  };
  const result = run(decisionId, []);
  return { result, evaluations };
}

/**
 * Contexts holding FEEL temporal values (input data converted by their typeRef): only in-process
 * FEEL understands those, so an expression that runs in the sandbox gets their ISO strings.
 */
const typedContexts = new WeakSet<Variables>();

/** The variables with each typed input data's variable converted; the same object when none is. */
function typedInputData(graph: DecisionGraph, decisionId: string, variables: Variables): Variables {
  if (!graph.inputData) return variables;
  const typed: Record<string, unknown> = { ...variables };
  for (const input of graph.inputData) {
    if (!(input.name in variables)) continue;
    typed[input.name] = converted(
      decisionId,
      `input data '${input.id}' (${input.name})`,
      variables[input.name],
      input.typeRef,
    );
  }
  // FEEL values stand in for JSON here; `feel` below hands the sandbox their ISO strings.
  return typed as Variables;
}

/** `toFeelType`, failing the decision with a message that names the element. */
function converted(decisionId: string, element: string, value: unknown, type: FeelType): unknown {
  try {
    return toFeelType(value, type);
  } catch (error) {
    if (!(error instanceof TypeRefError)) throw error;
    throw new DecisionEvaluationError(decisionId, `${element} (typeRef ${type}): ${error.message}`);
  }
}

function evaluateOne(decision: Decision, context: Variables, options: FeelOptions): DecisionEvaluation {
  const base = { decisionId: decision.id, ...(decision.name ? { decisionName: decision.name } : {}) };
  const logic = decision.logic;
  if (logic.kind === 'literal') {
    const value = feel(decision.id, logic.expression, context, options);
    const result = logic.typeRef
      ? toJsonValue(converted(decision.id, `decision '${decision.id}'`, value, logic.typeRef))
      : value;
    return { ...base, matchedRuleIds: [], result };
  }
  const { matched, result } = evaluateTable(decision.id, logic, context, options);
  return { ...base, matchedRuleIds: matched, result };
}

function feel(decisionId: string, source: string, context: Variables, options: FeelOptions): JsonValue {
  try {
    if (typedContexts.has(context) && !isBoundedFeel(source))
      return evaluateFeel(source, plain(context), options);
    return evaluateFeel(source, context, options);
  } catch (error) {
    if (error instanceof ExpressionError) throw new DecisionEvaluationError(decisionId, error.message);
    throw error;
  }
}

function plain(context: Variables): Variables {
  return Object.fromEntries(
    Object.entries(context).map(([key, value]) => [key, isFeelTemporal(value) ? toJsonValue(value) : value]),
  );
}

/** Evaluates a decision table: matching rules, then the hit policy. */
export function evaluateTable(
  decisionId: string,
  table: DecisionTable,
  context: Variables,
  options: FeelOptions,
): { readonly matched: string[]; readonly result: JsonValue } {
  // An input's typeRef converts its value (JSON, so dates are ISO strings) to that FEEL type,
  // so `> date("2026-01-01")` compares dates.
  const testContexts = table.inputs.map((input) => {
    const value = feel(decisionId, input.expression, context, options);
    return {
      ...context,
      '?': input.typeRef ? converted(decisionId, `input '${input.id}'`, value, input.typeRef) : value,
    };
  });
  const matchedRules = table.rules.filter((rule) =>
    rule.inputEntries.every((entry, index) => {
      if (entry === '' || entry === '-') return true;
      try {
        return unaryTest(entry, testContexts[index]).value === true;
      } catch (error) {
        throw new DecisionEvaluationError(
          decisionId,
          `rule '${rule.id}': input entry '${entry}' failed: ${(error as Error).message}`,
        );
      }
    }),
  );
  const matched = matchedRules.map((rule) => rule.id);
  const outputsOf = (rule: (typeof matchedRules)[number]): JsonValue[] =>
    table.outputs.map((output, index) => {
      const entry = rule.outputEntries[index] ?? '';
      const value = entry === '' ? null : feel(decisionId, entry, context, options);
      return output.typeRef
        ? toJsonValue(
            converted(decisionId, `output '${output.id}' of rule '${rule.id}'`, value, output.typeRef),
          )
        : value;
    });
  const shape = (values: JsonValue[]): JsonValue =>
    table.outputs.length === 1
      ? (values[0] ?? null)
      : Object.fromEntries(table.outputs.map((output, index) => [output.name, values[index] ?? null]));
  switch (table.hitPolicy) {
    case 'UNIQUE': {
      if (matchedRules.length > 1)
        throw new DecisionEvaluationError(
          decisionId,
          `hit policy UNIQUE allows one matching rule, but ${matchedRules.length} matched: ${matched.join(', ')}`,
        );
      const [rule] = matchedRules;
      return { matched, result: rule ? shape(outputsOf(rule)) : null };
    }
    case 'FIRST': {
      const [rule] = matchedRules;
      return { matched: rule ? [rule.id] : [], result: rule ? shape(outputsOf(rule)) : null };
    }
    case 'ANY': {
      const all = matchedRules.map(outputsOf);
      const first = all[0];
      if (first && all.some((values) => JSON.stringify(values) !== JSON.stringify(first)))
        throw new DecisionEvaluationError(
          decisionId,
          `hit policy ANY needs equal outputs, but the matching rules ${matched.join(', ')} differ`,
        );
      return { matched, result: first ? shape(first) : null };
    }
    case 'PRIORITY': {
      const ranked = byPriority(
        table.outputs,
        matchedRules.map((rule) => ({ rule, values: outputsOf(rule) })),
      );
      const top = ranked[0];
      return { matched: top ? [top.rule.id] : [], result: top ? shape(top.values) : null };
    }
    case 'OUTPUT ORDER': {
      const ranked = byPriority(
        table.outputs,
        matchedRules.map((rule) => ({ rule, values: outputsOf(rule) })),
      );
      return { matched: ranked.map((r) => r.rule.id), result: ranked.map((r) => shape(r.values)) };
    }
    case 'RULE ORDER':
      return { matched, result: matchedRules.map((rule) => shape(outputsOf(rule))) };
    case 'COLLECT': {
      const values = matchedRules.map((rule) => shape(outputsOf(rule)));
      if (!table.aggregation) return { matched, result: values };
      return { matched, result: aggregate(decisionId, table.aggregation, values) };
    }
  }
}

/** Orders rule outputs by each output's list of output values (earlier = higher), then by rule order. */
function byPriority<T extends { readonly values: readonly JsonValue[] }>(
  outputs: readonly DecisionOutput[],
  hits: readonly T[],
): T[] {
  const rank = (output: DecisionOutput, value: JsonValue): number => {
    const index = output.priorities?.indexOf(value as string | number | boolean | null) ?? -1;
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  };
  return [...hits].sort((a, b) => {
    for (const [index, output] of outputs.entries()) {
      if (!output.priorities) continue;
      const diff = rank(output, a.values[index] ?? null) - rank(output, b.values[index] ?? null);
      if (diff !== 0) return diff;
    }
    return 0;
  });
}

/** COLLECT's aggregators (DMN 1.3 §8.2.11): sum, count, minimum, maximum of the outputs. */
function aggregate(decisionId: string, aggregation: string, values: readonly JsonValue[]): JsonValue {
  if (aggregation === 'COUNT') return values.length;
  if (values.length === 0) return null;
  const numbers = values.filter((value): value is number => typeof value === 'number');
  if (numbers.length !== values.length)
    throw new DecisionEvaluationError(
      decisionId,
      `aggregation ${aggregation} needs numbers, got ${JSON.stringify(values)}`,
    );
  if (aggregation === 'SUM') return numbers.reduce((sum, value) => sum + value, 0);
  return aggregation === 'MIN' ? Math.min(...numbers) : Math.max(...numbers);
}
