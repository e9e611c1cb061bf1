import type { MessageBody, SignalBody } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { requireRoleOrToken } from '../../auth/permissions.js';
import type { Variables } from '../../util/json.js';
import { problemResponses, ref } from '../shared.js';

/** Correlate a message to a waiting instance (or start one); broadcast a signal. */
export async function messageRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: MessageBody }>(
    '/api/messages',
    {
      onRequest: requireRoleOrToken('designer', 'manager'),
      schema: {
        tags: ['messages'],
        body: ref('messageBody'),
        response: { 200: ref('messageResult'), ...problemResponses },
      },
    },
    async (req) =>
      app.engine.correlateMessage({
        name: req.body.name,
        correlationKey: req.body.correlationKey ?? null,
        variables: (req.body.variables ?? {}) as Variables,
      }),
  );

  app.post<{ Body: SignalBody }>(
    '/api/signals',
    {
      onRequest: requireRoleOrToken('designer', 'manager'),
      schema: {
        tags: ['messages'],
        body: ref('signalBody'),
        response: { 200: ref('signalResult'), ...problemResponses },
      },
    },
    async (req) =>
      app.engine.broadcastSignal({ name: req.body.name, variables: (req.body.variables ?? {}) as Variables }),
  );
}
