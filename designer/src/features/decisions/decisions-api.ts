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
