import type { ConditionEvaluateBody } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { requireUser } from '../../auth/permissions.js';
import { assertMatchesForm } from '../../forms/form-data.js';
import type { Variables } from '../../util/json.js';
import { problemResponses, ref } from '../shared.js';

/**
 * Evaluate conditional start events (as Camunda 7's `POST /condition`): every latest-version
 * process (or the one named) whose conditional start holds for the variables gets an instance.
 * The engine decides who may, as for any start: a starter of the process (a token needs the
 * `start` scope), and the variables must satisfy the start event's form. Naming a process the
 * caller may not start answers 403; across processes, refusals are listed in `notAllowed`.
 * A condition of a multiple start event starts it as a conditional start does; a condition of a
 * parallel multiple start event is one trigger of its gathering, listed in `gathered` (with the
 * instance when it was the last trigger missing, as `POST /api/messages` answers for a message).
 */
export async function conditionRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: ConditionEvaluateBody }>(
    '/api/conditions/evaluate',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['messages'],
        body: ref('conditionEvaluateBody'),
        response: { 200: ref('conditionEvaluation'), ...problemResponses },
      },
    },
    async (req) => {
      const variables = (req.body.variables ?? {}) as Variables;
      return app.engine.evaluateConditions(
        { variables, ...(req.body.processId === undefined ? {} : { processId: req.body.processId }) },
        identityOf(req),
        (start) => assertMatchesForm(app, start.formId, variables),
      );
    },
  );
}
