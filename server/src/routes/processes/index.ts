import type { ProcessGroupsBody, ProcessParams } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/permissions.js';
import type { AccessList } from '../../persistence/process-access.js';
import { problemResponses, ref } from '../shared.js';

const LISTS: readonly { path: string; list: AccessList; what: string }[] = [
  { path: 'managers', list: 'process_managers', what: 'manage' },
  { path: 'starters', list: 'process_starters', what: 'may start' },
];

/**
 * Who manages a process and who may start it: group names per process id, kept by admins and
 * designers. An empty list lifts the restriction (every manager manages it; everyone signed in
 * may start it).
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
        return { processId, groups: await app.store.processAccess.groupsOf(list, processId) };
      },
    );

    app.put<{ Params: ProcessParams; Body: ProcessGroupsBody }>(
      `/api/processes/:processId/${path}`,
      {
        onRequest: requireRole('designer'),
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
        await app.engine.getLatestDefinition(processId);
        await app.store.processAccess.replace(list, processId, req.body.groups);
        return { processId, groups: await app.store.processAccess.groupsOf(list, processId) };
      },
    );
  }
}
