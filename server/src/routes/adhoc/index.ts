import type { AdHocActivationBody, AdHocParams } from '@baton/schemas';
import type { Variables } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../auth/permissions.js';
import { identityOf } from '../../auth/identity.js';
import { problemResponses, ref } from '../shared.js';

/**
 * Ad-hoc subprocesses: start inner elements of a running one (Camunda's "activate activities
 * within an ad-hoc sub-process"). `:elementId` is the subprocess's element id (it must run once in
 * the instance) or its element instance id. The engine's policy decides: a manager of the process,
 * as for token modification. Ids that are not inner elements answer 400 naming them.
 */
export async function adHocRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Params: AdHocParams; Body: AdHocActivationBody }>(
    '/api/instances/:id/ad-hoc/:elementId/activation',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        summary: 'Start inner elements of a running ad-hoc subprocess',
        params: ref('adHocParams'),
        body: ref('adHocActivationBody'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      await app.engine.activateAdHocElements(
        req.params.id,
        req.params.elementId,
        req.body.elementIds,
        req.body.variables as Variables | undefined,
        identityOf(req),
      );
      return reply.code(204).send();
    },
  );
}
