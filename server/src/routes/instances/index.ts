import type { HistoryQuery, IdParams, InstanceListQuery, InstanceStart, VariablesBody } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { currentUser, requireRole, requireUser } from '../../auth/permissions.js';
import { identityOf } from '../../auth/identity.js';
import { visibleInstance } from '../../auth/visibility.js';
import { problems } from '../../errors.js';
import { attachTo, fileSubmission } from '../../files/attachments.js';
import { assertMatchesForm } from '../../forms/form-data.js';
import { parseOptionalDateTime } from '../../util/dates.js';
import type { JsonValue } from '../../util/json.js';
import { historyDto, instanceDetailDto, instanceSummaryDto } from '../dto.js';
import { incidentRoutes } from '../incidents/index.js';
import { pageOf, problemResponses, ref } from '../shared.js';
import { listVisibleInstances } from './scoped-list.js';

/** Process instances: start, list (children by parent too), inspect, timeline, cancel, set variables; incidents. */
export async function instanceRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: InstanceStart }>(
    '/api/instances',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        body: ref('instanceStart'),
        response: { 201: ref('instanceDetail'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const { processId, version, businessKey } = req.body;
      const variables = (req.body.variables ?? {}) as Record<string, JsonValue>;
      const definition =
        version === undefined
          ? await app.engine.getLatestDefinition(processId)
          : (await app.engine.listDefinitions({ processId })).find((d) => d.version === version);
      if (!definition) throw problems.notFound(`Process '${processId}' version ${version}`);
      const files = fileSubmission(currentUser(req).username);
      const instance = await app.engine.startInstance(
        { processId, version: definition.version, variables, businessKey },
        identityOf(req),
        (start) => assertMatchesForm(app, start.formId, variables, files),
      );
      // After the start commits: the instance id exists only now (docs/TEAMS.md, "Files").
      await attachTo(app, files, instance.id);
      return reply.code(201).send(instanceDetailDto(instance));
    },
  );

  app.get<{ Querystring: InstanceListQuery }>(
    '/api/instances',
    {
      onRequest: requireRole('manager', 'staff'),
      schema: {
        tags: ['instances'],
        querystring: ref('instanceListQuery'),
        response: { 200: ref('instanceList'), ...problemResponses },
      },
    },
    async (req) => {
      const user = currentUser(req);
      const q = req.query;
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const filter = {
        processId: q.processId,
        status: q.status,
        startedAfter: parseOptionalDateTime(q.startedAfter, '/startedAfter'),
        startedBefore: parseOptionalDateTime(q.startedBefore, '/startedBefore'),
        overdue: q.overdue,
        parentInstanceId: q.parentInstanceId,
        text: q.q,
      };
      const page = await listVisibleInstances(app, user, filter, limit, offset);
      return { items: page.items.map(instanceSummaryDto), total: page.total, limit, offset };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/instances/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        params: ref('idParams'),
        response: { 200: ref('instanceDetail'), ...problemResponses },
      },
    },
    async (req) => instanceDetailDto(await visibleInstance(app, currentUser(req), req.params.id)),
  );

  app.get<{ Params: IdParams; Querystring: HistoryQuery }>(
    '/api/instances/:id/history',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        params: ref('idParams'),
        querystring: ref('historyQuery'),
        response: { 200: ref('historyList'), ...problemResponses },
      },
    },
    async (req) => {
      await visibleInstance(app, currentUser(req), req.params.id);
      const events = await app.engine.getHistory(req.params.id);
      return pageOf(events.map(historyDto), req.query.limit ?? 1000, req.query.offset ?? 0);
    },
  );

  app.post<{ Params: IdParams }>(
    '/api/instances/:id/cancel',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        params: ref('idParams'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      await app.engine.cancelInstance(req.params.id, identityOf(req));
      return reply.code(204).send();
    },
  );

  app.patch<{ Params: IdParams; Body: VariablesBody }>(
    '/api/instances/:id/variables',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        params: ref('idParams'),
        body: ref('variablesBody'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      await app.engine.setVariables(
        req.params.id,
        req.body.variables as Record<string, JsonValue>,
        identityOf(req),
      );
      return reply.code(204).send();
    },
  );

  await app.register(incidentRoutes);
}
