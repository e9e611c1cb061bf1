import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DB, DecisionEvaluationsTable } from '../persistence/schema.js';
import type { JsonValue, Variables } from '../runtime/types.js';
import type { DecisionEvaluation } from './evaluate.js';

/**
 * The record of decisions evaluated on their own (`engine.evaluateDecision`): a business rule
 * task's evaluation lives in its instance's history (`decision.evaluated`), but a standalone one
 * has no instance, so each gets a row of `decision_evaluations`, removed by age by the retention
 * sweep (`sweepDecisionEvaluations` in retention.ts).
 */

/** One standalone evaluation, as the API lists it. */
export interface StoredDecisionEvaluation {
  readonly id: string;
  /** The evaluated version's row id (Zeebe's decision key). */
  readonly decisionKey: string;
  readonly decisionId: string;
  readonly version: number;
  readonly evaluatedAt: Date;
  /** The stable id of whoever asked (`null`: the engine or an embedding program). */
  readonly evaluatedBy: string | null;
  /** The rules of the called decision that matched. */
  readonly matchedRuleIds: readonly string[];
  /** The variables it was given; `{ truncated: true, bytes }` when they were too large to keep. */
  readonly inputs: JsonValue;
  /** The result; the same marker when too large. */
  readonly result: JsonValue;
  /** Every decision evaluated, required ones first, each with its matched rules and result. */
  readonly evaluations: JsonValue;
}

/**
 * Most bytes (as JSON) kept of each of a record's inputs, result and evaluations; larger ones are
 * replaced by a marker with their size. The same bound as a batch's variables: a record is for
 * reading back what happened, and a request body (up to the server's body limit) must not make
 * every record that large.
 */
export const MAX_RECORDED_BYTES = 64 * 1024;

function bounded(value: JsonValue): string {
  const json = JSON.stringify(value ?? null);
  const bytes = Buffer.byteLength(json);
  return bytes <= MAX_RECORDED_BYTES ? json : JSON.stringify({ truncated: true, bytes });
}

/** Writes one record, in one statement. */
export async function recordDecisionEvaluation(
  db: Kysely<DB>,
  record: {
    readonly decisionKey: string;
    readonly decisionId: string;
    readonly version: number;
    readonly evaluatedAt: Date;
    readonly evaluatedBy: string | null;
    readonly inputs: Variables;
    readonly result: JsonValue;
    readonly evaluations: readonly DecisionEvaluation[];
  },
): Promise<StoredDecisionEvaluation> {
  const called = record.evaluations.at(-1);
  const row = await db
    .insertInto('decision_evaluations')
    .values({
      id: randomUUID(),
      decision_key: record.decisionKey,
      decision_id: record.decisionId,
      version: record.version,
      evaluated_at: record.evaluatedAt,
      evaluated_by: record.evaluatedBy,
      matched_rule_ids: JSON.stringify(called?.matchedRuleIds ?? []),
      inputs: bounded(record.inputs),
      result: bounded(record.result),
      evaluations: bounded(
        record.evaluations.map((e) => ({
          decisionId: e.decisionId,
          ...(e.decisionName ? { decisionName: e.decisionName } : {}),
          matchedRuleIds: [...e.matchedRuleIds],
          result: e.result,
        })),
      ),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return recordOf(row);
}

function recordOf(row: Selectable<DecisionEvaluationsTable>): StoredDecisionEvaluation {
  return {
    id: row.id,
    decisionKey: row.decision_key,
    decisionId: row.decision_id,
    version: row.version,
    evaluatedAt: new Date(row.evaluated_at),
    evaluatedBy: row.evaluated_by,
    matchedRuleIds: row.matched_rule_ids,
    inputs: row.inputs as JsonValue,
    result: row.result as JsonValue,
    evaluations: row.evaluations as JsonValue,
  };
}

export interface DecisionEvaluationFilter {
  readonly decisionId: string;
  /** Default 50, at most 500. */
  readonly limit?: number;
  readonly offset?: number;
}

/** A decision's standalone evaluations, newest first, one page of them, with the total. */
export async function listDecisionEvaluations(
  db: Kysely<DB>,
  filter: DecisionEvaluationFilter,
): Promise<{ readonly items: StoredDecisionEvaluation[]; readonly total: number }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  const offset = Math.max(filter.offset ?? 0, 0);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('decision_evaluations')
      .selectAll()
      .where('decision_id', '=', filter.decisionId)
      .orderBy('evaluated_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute(),
    db
      .selectFrom('decision_evaluations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('decision_id', '=', filter.decisionId)
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(recordOf), total: Number(count.n) };
}
