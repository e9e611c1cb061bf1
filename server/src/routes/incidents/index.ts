import type { IdParams, IncidentBulkRetryBody, IncidentListQuery, IncidentRetryBody } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { visibleInstance } from '../../auth/visibility.js';
import { parseOptionalDateTime } from '../../util/dates.js';
import { incidentDto } from '../dto.js';
import { problemResponses, ref } from '../shared.js';

/** The filter both the list and the bulk retry take, with its dates parsed (bad ones: 400). */
function incidentFilter(
  f: Pick<
    IncidentListQuery,
    'instanceId' | 'processId' | 'elementId' | 'errorText' | 'createdBefore' | 'createdAfter'
  >,
  at: string,
) {
  return {
    instanceId: f.instanceId,
    processId: f.processId,
    elementId: f.elementId,
    errorText: f.errorText,
    createdBefore: parseOptionalDateTime(f.createdBefore, `${at}/createdBefore`),
    createdAfter: parseOptionalDateTime(f.createdAfter, `${at}/createdAfter`),
  };
}

/**
 * Incidents for operators: search across instances, retry one (optionally with a retry count for
 * the job it creates), retry many by filter. The engine's policy decides who (managers and admins,
 * on the processes they manage).
 */
export async function incidentRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: IncidentListQuery }>(
    '/api/incidents',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['incidents'],
        querystring: ref('incidentListQuery'),
        response: { 200: ref('incidentList'), ...problemResponses },
      },
    },
    async (req) => {
      const { open = true, limit = 50, offset = 0 } = req.query;
      // An instance the caller may not see is "not found", as everywhere else.
      if (req.query.instanceId) await visibleInstance(app, currentUser(req), req.query.instanceId);
      const page = await app.engine.findIncidents(
        { ...incidentFilter(req.query, ''), open, limit, offset },
        identityOf(req),
      );
      return { items: page.items.map(incidentDto), total: page.total, limit, offset };
    },
  );

  app.post<{ Params: IdParams; Body: IncidentRetryBody | undefined }>(
    '/api/incidents/:id/retry',
    {
      onRequest: requireUser(),
      // The body is optional (a plain retry sends none): validate an absent one as empty.
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) req.body = {};
      },
      schema: {
        tags: ['incidents'],
        params: ref('idParams'),
        body: ref('incidentRetryBody'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const retries = req.body?.retries;
      await app.engine.retryIncident(
        req.params.id,
        identityOf(req),
        retries === undefined ? {} : { retries },
      );
      return reply.code(204).send();
    },
  );

  app.post<{ Body: IncidentBulkRetryBody }>(
    '/api/incidents/retry',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['incidents'],
        body: ref('incidentBulkRetryBody'),
        response: { 200: ref('incidentBulkRetryReport'), ...problemResponses },
      },
    },
    async (req) => {
      const { filter, retries, limit = 100 } = req.body;
      const report = await app.engine.retryIncidents(
        incidentFilter(filter, '/filter'),
        { limit, ...(retries === undefined ? {} : { retries }) },
        identityOf(req),
      );
      return {
        ...report,
        results: report.results.map((r) => ({ ...r, incidentIds: [...r.incidentIds] })),
      };
    },
  );
}
