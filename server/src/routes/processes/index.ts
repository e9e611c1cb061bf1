import type { ProcessGroupsBody, ProcessParams } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { requireRole, requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import { problemResponses, ref } from '../shared.js';

const LISTS: readonly { path: string; list: 'managers' | 'starters'; what: string }[] = [
  { path: 'managers', list: 'managers', what: 'manage' },
  { path: 'starters', list: 'starters', what: 'may start' },
];

/**
 * Who manages a process and who may start it: group names per process id, kept by admins and
 * designers (the engine's policy reads them in every command it checks). An empty list lifts the
 * restriction (every manager manages it; everyone signed in may start it).
 */
export async function processAccessRoutes(app: FastifyInstance): Promise<void> {
  for (const { path, list, what } of LISTS) {
    app.get<{ Params: ProcessParams }>(
      `/api/processes/:processId/${path}`,
      {
        onRequest: requireRole('designer', 'manager'),
        schema: {
          tags: ['definitions'],
          summary: `The groups whose members ${what} this process (empty: no restriction)`,
          params: ref('processParams'),
          response: { 200: ref('processGroups'), ...problemResponses },
        },
      },
      async (req) => {
        const { processId } = req.params;
        await app.engine.getLatestDefinition(processId);
        return { processId, groups: [...(await app.engine.getProcessAccess(processId))[list]] };
      },
    );

    app.put<{ Params: ProcessParams; Body: ProcessGroupsBody }>(
      `/api/processes/:processId/${path}`,
      {
        onRequest: requireUser(),
        schema: {
          tags: ['definitions'],
          summary: `Replaces the groups whose members ${what} this process ([] lifts the restriction)`,
          params: ref('processParams'),
          body: ref('processGroupsBody'),
          response: { 200: ref('processGroups'), ...problemResponses },
        },
      },
      async (req) => {
        const { processId } = req.params;
        const { groups } = req.body;
        await app.engine.getLatestDefinition(processId);
        const known = await app.store.groups.existing(groups);
        const unknown = groups.filter((g) => !known.has(g));
        if (unknown.length > 0) {
          throw problems.badRequest(
            'GROUP_NOT_FOUND',
            `Unknown groups: ${unknown.join(', ')}`,
            unknown.map((g) => ({ pointer: `/groups/${groups.indexOf(g)}`, message: `no group '${g}'` })),
          );
        }
        await app.engine.setProcessAccess(processId, list, groups, identityOf(req));
        return { processId, groups: [...(await app.engine.getProcessAccess(processId))[list]] };
      },
    );
  }
}
