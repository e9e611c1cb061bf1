import type { DecisionSummary, StoredDecisionEvaluation } from '@baton/engine';
import type {
  DecisionEvaluateBody,
  DecisionEvaluationListQuery,
  DecisionIdParams,
  DecisionListQuery,
  DeployBody,
  IdParams,
} from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { currentUser, requireRole } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import { illegalCharacterIssues } from '../definitions/xml-characters.js';
import { pageOf, problemResponses, ref } from '../shared.js';

function decisionDto(d: DecisionSummary) {
  return {
    id: d.id,
    decisionId: d.decisionId,
    version: d.version,
    name: d.name,
    decisionRequirementsId: d.decisionRequirementsId,
    hash: d.hash,
    deployedAt: d.deployedAt.toISOString(),
    deployedBy: d.deployedBy,
  };
}

function evaluationDto(e: StoredDecisionEvaluation) {
  return { ...e, evaluatedAt: e.evaluatedAt.toISOString() };
}

/**
 * DMN decisions: deploy a `.dmn` file (raw XML or `{ xml }`), list the deployed versions, read one
 * with its file, evaluate one on its own (Zeebe's EvaluateDecision) and list those evaluations.
 * Business rule tasks (`zeebe:calledDecision`) evaluate the latest version of their decision.
 */
export async function decisionRoutes(app: FastifyInstance): Promise<void> {
  const limit = app.config.deployBodyLimit;
  app.addContentTypeParser(
    ['application/xml', 'text/xml'],
    { parseAs: 'string', bodyLimit: limit },
    (_req, body, done) => done(null, { xml: body }),
  );

  app.post<{ Body: DeployBody }>(
    '/api/decisions',
    {
      bodyLimit: limit,
      onRequest: requireRole('designer'),
      config: { scope: 'deploy' },
      schema: {
        tags: ['decisions'],
        body: ref('deployBody'),
        response: { 200: ref('decisionDeployResult'), 201: ref('decisionDeployResult'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const illegal = illegalCharacterIssues(req.body.xml);
      if (illegal.length > 0) throw problems.deployInvalid(illegal);
      const result = await app.engine.deployDecisions(req.body.xml, { actor: currentUser(req).username });
      const decisions = result.decisions.map((d) => ({ ...decisionDto(d), isNew: d.isNew }));
      return reply.code(decisions.some((d) => d.isNew) ? 201 : 200).send({ decisions });
    },
  );

  app.get<{ Querystring: DecisionListQuery }>(
    '/api/decisions',
    {
      onRequest: requireRole('designer', 'manager'),
      config: { scope: 'read' },
      schema: {
        tags: ['decisions'],
        querystring: ref('decisionListQuery'),
        response: { 200: ref('decisionList'), ...problemResponses },
      },
    },
    async (req) => {
      const { decisionId, latestOnly, limit = 50, offset = 0 } = req.query;
      const all = await app.engine.listDecisions({
        ...(decisionId ? { decisionId } : {}),
        ...(latestOnly ? { latestOnly } : {}),
      });
      return pageOf(all.map(decisionDto), limit, offset);
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/decisions/:id',
    {
      onRequest: requireRole('designer', 'manager'),
      config: { scope: 'read' },
      schema: {
        tags: ['decisions'],
        params: ref('idParams'),
        response: { 200: ref('decisionDetail'), ...problemResponses },
      },
    },
    async (req) => {
      const detail = await app.engine.getDecision(req.params.id);
      return { ...decisionDto(detail), xml: detail.xml };
    },
  );

  app.post<{ Body: DecisionEvaluateBody }>(
    '/api/decisions/evaluate',
    {
      onRequest: requireRole('designer', 'manager'),
      config: { scope: 'read' },
      schema: {
        tags: ['decisions'],
        body: ref('decisionEvaluateBody'),
        response: { 200: ref('decisionEvaluateResult'), ...problemResponses },
      },
    },
    async (req) => {
      const { decisionId, version, variables } = req.body;
      const evaluation = await app.engine.evaluateDecision(
        {
          decisionId,
          ...(version !== undefined ? { version } : {}),
          variables: (variables ?? {}) as Parameters<typeof app.engine.evaluateDecision>[0]['variables'],
        },
        identityOf(req),
      );
      return {
        decisionId: evaluation.decisionId,
        version: evaluation.version,
        result: evaluation.result,
        evaluations: evaluation.evaluations,
      };
    },
  );

  // Who may evaluate may read the evaluations back: the same roles as the list.
  app.get<{ Params: DecisionIdParams; Querystring: DecisionEvaluationListQuery }>(
    '/api/decisions/:id/evaluations',
    {
      onRequest: requireRole('designer', 'manager'),
      config: { scope: 'read' },
      schema: {
        tags: ['decisions'],
        params: ref('decisionIdParams'),
        querystring: ref('decisionEvaluationListQuery'),
        response: { 200: ref('decisionEvaluationList'), ...problemResponses },
      },
    },
    async (req) => {
      const { limit = 50, offset = 0 } = req.query;
      const page = await app.engine.listDecisionEvaluations({ decisionId: req.params.id, limit, offset });
      return { items: page.items.map(evaluationDto), total: page.total, limit, offset };
    },
  );
}
