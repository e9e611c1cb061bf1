import type { IdParams, ProcessParams, Retention } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../auth/permissions.js';
import { identityOf } from '../../auth/identity.js';
import { historyDto, instanceDetailDto, taskDto } from '../dto.js';
import { problemResponses, ref } from '../shared.js';

/** How long a process keeps finished instances, and an instance's export before it goes. */
export async function retentionRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: ProcessParams }>(
    '/api/processes/:processId/retention',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['processes'],
        params: ref('processParams'),
        response: { 200: ref('retention'), ...problemResponses },
      },
    },
    async (req) => ({ ttlDays: await app.engine.getRetention(req.params.processId) }),
  );

  app.put<{ Params: ProcessParams; Body: Retention }>(
    '/api/processes/:processId/retention',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['processes'],
        summary: 'Keep finished instances for ttlDays days (null: for ever); designers and admins',
        params: ref('processParams'),
        body: ref('retention'),
        response: { 200: ref('retention'), ...problemResponses },
      },
    },
    async (req) => {
      await app.engine.setRetention(req.params.processId, req.body.ttlDays, identityOf(req));
      return { ttlDays: req.body.ttlDays };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/instances/:id/export',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        summary: 'The instance, its whole history and its tasks as one JSON document; its managers',
        params: ref('idParams'),
        response: { 200: ref('instanceExport'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const exported = await app.engine.exportInstance(req.params.id, identityOf(req));
      void reply.header('content-disposition', `attachment; filename="instance-${req.params.id}.json"`);
      return {
        format: exported.format,
        exportedAt: exported.exportedAt.toISOString(),
        instance: instanceDetailDto(exported.instance),
        history: exported.history.map(historyDto),
        tasks: exported.tasks.map(taskDto),
      };
    },
  );
}
