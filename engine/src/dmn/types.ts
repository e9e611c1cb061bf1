import type { FeelType } from './type-ref.js';

/**
 * A compiled DMN 1.3 decision requirements graph (one `.dmn` file): every decision of the file,
 * each with the FEEL it runs, already checked at deploy. Plain readonly data, safe to cache.
 */

export const HIT_POLICIES = [
  'UNIQUE',
  'FIRST',
  'PRIORITY',
  'ANY',
  'COLLECT',
  'RULE ORDER',
  'OUTPUT ORDER',
] as const;
export type HitPolicy = (typeof HIT_POLICIES)[number];

export const AGGREGATIONS = ['SUM', 'MIN', 'MAX', 'COUNT'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface DecisionInput {
  readonly id: string;
  readonly label?: string;
  /** FEEL expression whose value the rules' input entries test. */
  readonly expression: string;
  /** The input expression's `typeRef`: its value converts to this FEEL type before the tests run. */
  readonly typeRef?: FeelType;
}

export interface DecisionOutput {
  readonly id: string;
  /** Key of the output in a multi-output result (a context). */
  readonly name: string;
  /** PRIORITY / OUTPUT ORDER: the output values, highest priority first. */
  readonly priorities?: readonly (string | number | boolean | null)[];
  /** The output's `typeRef`: each output entry's value converts to this type. */
  readonly typeRef?: FeelType;
}

export interface DecisionRule {
  readonly id: string;
  /** FEEL unary tests, one per input; `-` (or empty) matches anything. */
  readonly inputEntries: readonly string[];
  /** FEEL expressions, one per output; empty gives null. */
  readonly outputEntries: readonly string[];
}

export interface DecisionTable {
  readonly kind: 'table';
  readonly hitPolicy: HitPolicy;
  readonly aggregation?: Aggregation;
  readonly inputs: readonly DecisionInput[];
  readonly outputs: readonly DecisionOutput[];
  readonly rules: readonly DecisionRule[];
}

export interface LiteralExpression {
  readonly kind: 'literal';
  readonly expression: string;
  /** The decision variable's `typeRef`: the expression's value converts to this type. */
  readonly typeRef?: FeelType;
}

/** An input data element with a `typeRef`: the variable of its name converts before any decision runs. */
export interface InputData {
  readonly id: string;
  /** The variable it stands for (its `variable` name, else its name). */
  readonly name: string;
  readonly typeRef: FeelType;
}

export interface Decision {
  readonly id: string;
  readonly name?: string;
  /** Name under which other decisions see this one's result (`variable name`, else the id). */
  readonly variableName: string;
  /** Ids of the decisions this one requires (informationRequirement / requiredDecision). */
  readonly requires: readonly string[];
  readonly logic: DecisionTable | LiteralExpression;
}

export interface DecisionGraph {
  /** The `definitions` id of the file (Zeebe's decision requirements id). */
  readonly id: string;
  readonly name?: string;
  readonly decisions: Readonly<Record<string, Decision>>;
  /** Input data elements that declare a type (others need no work). */
  readonly inputData?: readonly InputData[];
}

/** One deployed version of a decision, as the runtime evaluates it. */
export interface DeployedDecision {
  /** The stored row's id (Zeebe's decision key). */
  readonly key: string;
  readonly decisionId: string;
  readonly version: number;
  /** The file it came from; its required decisions are evaluated from the same file. */
  readonly graph: DecisionGraph;
}
