import type { Batch, BatchDetail, BatchDryRun, BatchFilter, BatchKind, BatchParameters } from '@baton/engine';
import type { BatchCreateBody, BatchDetailQuery, BatchListQuery, IdParams } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { requireUser } from '../../auth/permissions.js';
import { iso, isoOrNull, parseOptionalDateTime } from '../../util/dates.js';
import { problemResponses, ref } from '../shared.js';

function filterOf(body: BatchCreateBody): BatchFilter {
  const { startedAfter, startedBefore, ...rest } = body.filter;
  const after = parseOptionalDateTime(startedAfter, '/filter/startedAfter');
  const before = parseOptionalDateTime(startedBefore, '/filter/startedBefore');
  return {
    ...rest,
    ...(after ? { startedAfter: after } : {}),
    ...(before ? { startedBefore: before } : {}),
  };
}

function batchDto(batch: Batch) {
  const filter: Record<string, unknown> = { ...batch.filter };
  if (batch.filter.startedAfter) filter.startedAfter = iso(batch.filter.startedAfter);
  if (batch.filter.startedBefore) filter.startedBefore = iso(batch.filter.startedBefore);
  return {
    ...batch,
    filter,
    parameters: { ...batch.parameters },
    processIds: [...batch.processIds],
    createdAt: iso(batch.createdAt),
    updatedAt: iso(batch.updatedAt),
    endedAt: isoOrNull(batch.endedAt),
  };
}

function detailDto(batch: BatchDetail) {
  return { ...batchDto(batch), failures: batch.failures.map((f) => ({ ...f, at: iso(f.at) })) };
}

function dryRunDto(dry: BatchDryRun) {
  return { ...dry, sample: dry.sample.map((s) => ({ ...s, startedAt: iso(s.startedAt) })) };
}

/**
 * Batch operations (Operate's "batch operations"): cancel, retry incidents, migrate or set
 * variables on every instance a filter selects, processed in the background by the engine's
 * executors, each instance in its own transaction. The engine's policy decides who: managers and
 * admins, on the processes they manage; pause, resume and cancel by its creator, admins, or whoever
 * manages all its processes.
 */
export async function batchRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: BatchCreateBody }>(
    '/api/batches',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['batches'],
        summary: 'Start a batch operation over the instances a filter selects (dryRun: count and sample)',
        body: ref('batchCreateBody'),
        response: { 200: ref('batchDryRun'), 201: ref('batch'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const result = await app.engine.createBatch(
        {
          kind: req.body.kind as BatchKind,
          filter: filterOf(req.body),
          parameters: (req.body.parameters ?? {}) as BatchParameters,
          ...(req.body.dryRun ? { dryRun: true } : {}),
        },
        identityOf(req),
      );
      if ('dryRun' in result) return dryRunDto(result);
      return reply.code(201).send(batchDto(result));
    },
  );

  app.get<{ Querystring: BatchListQuery }>(
    '/api/batches',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['batches'],
        querystring: ref('batchListQuery'),
        response: { 200: ref('batchList'), ...problemResponses },
      },
    },
    async (req) => {
      const { limit = 50, offset = 0, state } = req.query;
      const page = await app.engine.listBatches(
        { limit, offset, ...(state ? { state } : {}) },
        identityOf(req),
      );
      return { items: page.items.map(batchDto), total: page.total, limit, offset };
    },
  );

  app.get<{ Params: IdParams; Querystring: BatchDetailQuery }>(
    '/api/batches/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['batches'],
        params: ref('idParams'),
        querystring: ref('batchDetailQuery'),
        response: { 200: ref('batchDetail'), ...problemResponses },
      },
    },
    async (req) => {
      const { limit = 100, offset = 0 } = req.query;
      return detailDto(await app.engine.getBatch(req.params.id, identityOf(req), { limit, offset }));
    },
  );

  for (const command of ['pause', 'resume', 'cancel'] as const) {
    app.post<{ Params: IdParams }>(
      `/api/batches/:id/${command}`,
      {
        onRequest: requireUser(),
        schema: {
          tags: ['batches'],
          summary: `${command[0]?.toUpperCase()}${command.slice(1)} a batch operation`,
          params: ref('idParams'),
          response: { 200: ref('batch'), ...problemResponses },
        },
      },
      async (req) => {
        const identity = identityOf(req);
        const batch =
          command === 'pause'
            ? await app.engine.pauseBatch(req.params.id, identity)
            : command === 'resume'
              ? await app.engine.resumeBatch(req.params.id, identity)
              : await app.engine.cancelBatch(req.params.id, identity);
        return batchDto(batch);
      },
    );
  }
}
