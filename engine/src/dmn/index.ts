export { compileDmn, type DmnIssueCode } from './compile.js';
export {
  type DecisionEvaluation,
  DecisionEvaluationError,
  evaluateDecision,
  type GraphEvaluation,
} from './evaluate.js';
export type { DecisionDeployResult, DecisionDetail, DecisionSummary } from './store.js';
export type { Decision, DecisionGraph, DeployedDecision, HitPolicy } from './types.js';
export {
  type DecisionEvaluationFilter,
  MAX_RECORDED_BYTES,
  type StoredDecisionEvaluation,
} from './evaluations.js';
