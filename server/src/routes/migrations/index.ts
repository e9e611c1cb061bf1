import type { BatchMigrationBody, IdParams, MigrationBody, ModificationBody } from '@baton/schemas';
import type { Variables } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../auth/permissions.js';
import { identityOf } from '../../auth/identity.js';
import { problemResponses, ref } from '../shared.js';

/**
 * Repairing running instances: migration to another version (one instance, or every running
 * instance of a version; a refused plan is a 422 whose `issues` name each element), and token
 * modification. The engine's policy decides: a manager of the processes involved.
 */
export async function migrationRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Params: IdParams; Body: MigrationBody }>(
    '/api/instances/:id/migration',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        summary: 'Move a running instance to another version (dryRun: check only)',
        params: ref('idParams'),
        body: ref('migrationBody'),
        response: { 200: ref('migrationReport'), ...problemResponses },
      },
    },
    async (req) => app.engine.migrateInstance(req.params.id, req.body, identityOf(req)),
  );

  app.post<{ Body: BatchMigrationBody }>(
    '/api/migrations',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        summary: 'Move every running instance of a version, each in its own transaction',
        body: ref('batchMigrationBody'),
        response: { 200: ref('batchMigrationReport'), ...problemResponses },
      },
    },
    async (req) => {
      const { sourceDefinitionId, limit, ...request } = req.body;
      return app.engine.migrateInstances(sourceDefinitionId, request, identityOf(req), { limit });
    },
  );

  app.post<{ Params: IdParams; Body: ModificationBody }>(
    '/api/instances/:id/modification',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        summary: 'Cancel the active instances of some elements and start tokens before others',
        params: ref('idParams'),
        body: ref('modificationBody'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const { cancel, startBefore, reason } = req.body;
      await app.engine.modifyInstance(
        req.params.id,
        {
          ...(cancel ? { cancel } : {}),
          ...(startBefore
            ? {
                startBefore: startBefore.map((s) => ({
                  elementId: s.elementId,
                  variables: (s.variables ?? {}) as Variables,
                })),
              }
            : {}),
          ...(reason ? { reason } : {}),
        },
        identityOf(req),
      );
      return reply.code(204).send();
    },
  );
}
