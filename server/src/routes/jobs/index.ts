import type {
  FetchAndLock,
  IdParams,
  JobBpmnError,
  JobComplete,
  JobFail,
  JobListQuery,
  JobPatchBody,
} from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { requireUser } from '../../auth/permissions.js';
import type { Variables } from '../../util/json.js';
import { jobDto } from '../dto.js';
import { problemResponses, ref } from '../shared.js';

const noContent = { 204: { type: 'null' }, ...problemResponses } as const;

/**
 * External workers: fetch-and-lock by job type, then complete, fail or throw a BPMN error. The
 * engine lets only a worker allowed the job's type act (the worker role, and for a token a
 * `jobs:<pattern>` scope matching it). Operators (managers and admins, on the processes they
 * manage) list jobs without locking them and change a job's retries.
 */
export async function jobRoutes(app: FastifyInstance): Promise<void> {
  const guard = requireUser();

  app.get<{ Querystring: JobListQuery }>(
    '/api/jobs',
    {
      onRequest: guard,
      schema: {
        tags: ['jobs'],
        querystring: ref('jobListQuery'),
        response: { 200: ref('jobList'), ...problemResponses },
      },
    },
    async (req) => {
      const { type, processId, instanceId, state, limit = 50, offset = 0 } = req.query;
      const page = await app.engine.listJobs(
        { type, processId, instanceId, state, limit, offset },
        identityOf(req),
      );
      return { items: page.items.map(jobDto), total: page.total, limit, offset };
    },
  );

  app.patch<{ Params: IdParams; Body: JobPatchBody }>(
    '/api/jobs/:id',
    {
      onRequest: guard,
      schema: {
        tags: ['jobs'],
        params: ref('idParams'),
        body: ref('jobPatchBody'),
        response: { 200: ref('job'), ...problemResponses },
      },
    },
    async (req) => jobDto(await app.engine.setJobRetries(req.params.id, req.body.retries, identityOf(req))),
  );

  app.post<{ Body: FetchAndLock }>(
    '/api/jobs/fetch-and-lock',
    {
      onRequest: guard,
      schema: {
        tags: ['jobs'],
        body: ref('fetchAndLock'),
        response: { 200: ref('jobList'), ...problemResponses },
      },
    },
    async (req) => {
      const { type, workerId, maxJobs = 10, lockMs = 60_000, fetchVariables } = req.body;
      const jobs = await app.engine.fetchAndLock(
        { type, workerId, maxJobs, lockMs, ...(fetchVariables ? { fetchVariables } : {}) },
        identityOf(req),
      );
      return { items: jobs.map(jobDto), total: jobs.length, limit: maxJobs, offset: 0 };
    },
  );

  app.post<{ Params: IdParams; Body: JobComplete }>(
    '/api/jobs/:id/complete',
    {
      onRequest: guard,
      schema: { tags: ['jobs'], params: ref('idParams'), body: ref('jobComplete'), response: noContent },
    },
    async (req, reply) => {
      await app.engine.completeJob(
        req.params.id,
        req.body.workerId,
        (req.body.variables ?? {}) as Variables,
        identityOf(req),
        req.body.result,
      );
      return reply.code(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: JobFail }>(
    '/api/jobs/:id/fail',
    {
      onRequest: guard,
      schema: { tags: ['jobs'], params: ref('idParams'), body: ref('jobFail'), response: noContent },
    },
    async (req, reply) => {
      const { workerId, retries, errorMessage, retryBackoffMs } = req.body;
      await app.engine.failJob(
        req.params.id,
        workerId,
        { retries, errorMessage, retryBackoffMs },
        identityOf(req),
      );
      return reply.code(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: JobBpmnError }>(
    '/api/jobs/:id/bpmn-error',
    {
      onRequest: guard,
      schema: { tags: ['jobs'], params: ref('idParams'), body: ref('jobBpmnError'), response: noContent },
    },
    async (req, reply) => {
      const { workerId, errorCode, errorMessage, variables } = req.body;
      await app.engine.throwBpmnError(
        req.params.id,
        workerId,
        { errorCode, errorMessage, variables: (variables ?? {}) as Variables },
        identityOf(req),
      );
      return reply.code(204).send();
    },
  );
}
