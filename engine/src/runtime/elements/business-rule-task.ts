import { DecisionEvaluationError, evaluateDecision } from '../../dmn/evaluate.js';
import { ExpressionError } from '../../errors.js';
import type { ActivityElement } from '../../model/types.js';
import { activityScopeId, completeElement } from '../activity.js';
import type { Execution, LiveToken } from '../execution.js';
import { raiseIncident } from '../flow.js';
import type { JsonValue } from '../types.js';
import { evaluateIn, visibleVariables } from '../variables.js';
import { createServiceJob } from './jobs.js';

/**
 * Business rule tasks. With a job type they run as a job, like a service task. With
 * `zeebe:calledDecision` they evaluate the latest deployed version of the decision in the step
 * (`ctx.findDecision`), record a `decision.evaluated` history event and complete with the result
 * in `resultVariable` (output mappings then apply). A decision that is not deployed, or that
 * fails (a hit policy violated, FEEL that fails), parks the token in an incident on the task; its
 * retry looks the decision up again, so deploying it first and retrying completes the task.
 */
export function runBusinessRuleTask(exec: Execution, token: LiveToken, element: ActivityElement): void {
  const scopeId = activityScopeId(exec, token);
  if (element.jobType) {
    createServiceJob(exec, token, element, scopeId);
    return;
  }
  const called = element.calledDecision;
  if (!called) {
    completeElement(exec, token, {});
    return;
  }
  const decisionId = evaluateIn(exec, called.decisionId, scopeId);
  const deployed = typeof decisionId === 'string' ? exec.ctx.findDecision?.(decisionId) : undefined;
  if (typeof decisionId !== 'string' || !deployed) {
    raiseIncident(
      exec,
      token,
      'calledDecision',
      `No deployed decision '${typeof decisionId === 'string' ? decisionId : JSON.stringify(decisionId)}' to evaluate`,
    );
    return;
  }
  let evaluation: ReturnType<typeof evaluateDecision>;
  try {
    evaluation = evaluateDecision(deployed.graph, decisionId, visibleVariables(exec, scopeId), {
      now: exec.now,
    });
  } catch (error) {
    if (!(error instanceof DecisionEvaluationError || error instanceof ExpressionError)) throw error;
    raiseIncident(
      exec,
      token,
      'decisionEvaluation',
      `Decision '${decisionId}' version ${deployed.version} failed: ${error.message}`,
    );
    return;
  }
  exec.history('decision.evaluated', {
    elementId: token.elementId,
    tokenId: token.id,
    data: {
      decisionId,
      decisionVersion: deployed.version,
      decisionKey: deployed.key,
      decisionRequirementsId: deployed.graph.id,
      resultVariable: called.resultVariable,
      result: evaluation.result,
      matchedRuleIds: [...(evaluation.evaluations.at(-1)?.matchedRuleIds ?? [])],
      evaluatedDecisions: evaluation.evaluations.map(
        (e): JsonValue => ({
          decisionId: e.decisionId,
          ...(e.decisionName ? { decisionName: e.decisionName } : {}),
          matchedRuleIds: [...e.matchedRuleIds],
          result: e.result,
        }),
      ),
    },
  });
  completeElement(exec, token, { [called.resultVariable]: evaluation.result });
}
