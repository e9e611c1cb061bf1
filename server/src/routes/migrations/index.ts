import type { BatchMigrationBody, IdParams, MigrationBody } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../auth/permissions.js';
import { identityOf } from '../../auth/identity.js';
import { problemResponses, ref } from '../shared.js';

/**
 * Process instance migration: one instance, or every running instance of a version. The engine's
 * policy decides (a manager of the processes involved); a refused plan is a 422 whose `issues`
 * name each element.
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
}
