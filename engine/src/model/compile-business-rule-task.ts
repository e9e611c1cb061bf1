import type { IssueCollector } from './issues.js';
import { attr, extension, type ModdleNode } from './moddle.js';
import type { ActivityElement } from './types.js';
import { readJobTask } from './zeebe-extensions.js';

/**
 * A business rule task, as Zeebe runs it: either a DMN decision evaluated by the engine
 * (`zeebe:calledDecision decisionId resultVariable`) or a job for a worker
 * (`zeebe:taskDefinition`), never both. Only the `latest` binding is run: the decision's newest
 * version when the task runs; `deployment` and `versionTag` are refused at deploy.
 */
export function compileBusinessRuleTask(
  node: ModdleNode,
  activity: Omit<ActivityElement, 'kind'> & { kind: ActivityElement['kind'] },
  issues: IssueCollector,
): ActivityElement {
  const id = activity.id;
  const called = extension(node, 'zeebe:CalledDecision');
  const hasJob = extension(node, 'zeebe:TaskDefinition') !== undefined;
  const problem = (message: string) => issues.add(id, 'decision.reference-invalid', message);
  if (called && hasJob) {
    problem('has both a called decision and a job type (zeebe:taskDefinition); keep one');
    return withoutUndefined(activity);
  }
  if (hasJob) {
    return withoutUndefined({ ...activity, ...readJobTask(node, issues) });
  }
  if (!called) {
    problem('needs a decision to call (zeebe:calledDecision) or a job type (zeebe:taskDefinition)');
    return withoutUndefined(activity);
  }
  const decisionId = attr(called, 'decisionId')?.trim() ?? '';
  const resultVariable = attr(called, 'resultVariable')?.trim() ?? '';
  const bindingType = attr(called, 'bindingType')?.trim();
  if (!decisionId) problem('needs the id of the decision to call (zeebe:calledDecision decisionId)');
  if (!resultVariable)
    problem('needs a result variable for the decision (zeebe:calledDecision resultVariable)');
  if (bindingType && bindingType !== 'latest')
    problem(
      `binding type '${bindingType}' is not supported: a business rule task calls the latest version of its decision`,
    );
  return withoutUndefined({
    ...activity,
    calledDecision: {
      decisionId: issues.expr(id, 'called decision id', decisionId),
      resultVariable,
    },
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
