import type { MessageBody, SignalBody } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { requireUser } from '../../auth/permissions.js';
import { assertMatchesForm } from '../../forms/form-data.js';
import type { Variables } from '../../util/json.js';
import { problemResponses, ref } from '../shared.js';

/**
 * Correlate a message to a waiting instance (or start one); broadcast a signal. The engine
 * decides who may: a message start needs a starter of the process (and its start form's data), a
 * waiting instance a worker, a manager or someone taking part in it; a token needs a
 * `messages:` or `signals:` scope matching the name.
 */
export async function messageRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: MessageBody }>(
    '/api/messages',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['messages'],
        body: ref('messageBody'),
        response: { 200: ref('messageResult'), ...problemResponses },
      },
    },
    async (req) => {
      const variables = (req.body.variables ?? {}) as Variables;
      return app.engine.correlateMessage(
        { name: req.body.name, correlationKey: req.body.correlationKey ?? null, variables },
        identityOf(req),
        (start) => assertMatchesForm(app, start.formId, variables),
      );
    },
  );

  app.post<{ Body: SignalBody }>(
    '/api/signals',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['messages'],
        body: ref('signalBody'),
        response: { 200: ref('signalResult'), ...problemResponses },
      },
    },
    async (req) =>
      app.engine.broadcastSignal(
        { name: req.body.name, variables: (req.body.variables ?? {}) as Variables },
        identityOf(req),
      ),
  );
}
