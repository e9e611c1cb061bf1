import { api } from '../../api/client.js';

export interface DeployedDecision {
  id: string;
  decisionId: string;
  version: number;
  name: string | null;
  decisionRequirementsId: string;
  deployedAt: string;
  deployedBy: string | null;
}

export interface DecisionEvaluation {
  decisionId: string;
  decisionName?: string;
  matchedRuleIds: string[];
  result: unknown;
}

export interface EvaluateAnswer {
  decisionId: string;
  version: number;
  result: unknown;
  evaluations: DecisionEvaluation[];
}

export const listLatestDecisions = () =>
  api.get<{ items: DeployedDecision[] }>('/api/decisions', { latestOnly: true, limit: 200 });

export const decisionVersion = (id: string) =>
  api.get<DeployedDecision & { xml: string }>(`/api/decisions/${encodeURIComponent(id)}`);

export const deployDecisionFile = (xml: string) =>
  api.post<{ decisions: (DeployedDecision & { isNew: boolean })[] }>('/api/decisions', { xml });

export const evaluateDecision = (decisionId: string, variables: Record<string, unknown>) =>
  api.post<EvaluateAnswer>('/api/decisions/evaluate', { decisionId, variables });

/** One evaluation of a decision on its own, as `GET /api/decisions/:id/evaluations` lists it. */
export interface RecordedEvaluation {
  id: string;
  decisionKey: string;
  decisionId: string;
  version: number;
  evaluatedAt: string;
  evaluatedBy: string | null;
  matchedRuleIds: string[];
  inputs: unknown;
  result: unknown;
}

export const listEvaluations = (decisionId: string, limit = 20) =>
  api.get<{ items: RecordedEvaluation[]; total: number }>(
    `/api/decisions/${encodeURIComponent(decisionId)}/evaluations`,
    { limit },
  );
