import type { TaskBulkBody, TaskBulkReport } from '@baton/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { HttpProblem, problems } from '../../errors.js';
import { fileSubmission } from '../../files/attachments.js';
import { assertMatchesForm } from '../../forms/form-data.js';
import { ENGINE_ERROR_STATUS } from '../../plugins/errors.js';
import type { Variables } from '../../util/json.js';
import { problemResponses, ref } from '../shared.js';

type Result = TaskBulkReport['results'][number];

/** The problem a single action would have answered for this error, or null for a real fault. */
function refusalOf(error: unknown): Omit<Result, 'taskId' | 'ok'> | null {
  if (error instanceof HttpProblem) {
    return {
      code: error.code,
      status: error.status,
      message: error.message,
      ...(error.details.errors ? { errors: error.details.errors } : {}),
    };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && Object.hasOwn(ENGINE_ERROR_STATUS, code)) {
      return {
        code,
        status: ENGINE_ERROR_STATUS[code as keyof typeof ENGINE_ERROR_STATUS],
        message: error.message,
      };
    }
  }
  return null;
}

/**
 * `POST /api/tasks/bulk`: the same engine command a single action sends, once per task, each in
 * its own transaction, so one refusal never undoes the others. There is no second rule set: what
 * the engine's policy refuses for one task is reported for that task.
 */
export async function bulkTaskRoutes(app: FastifyInstance): Promise<void> {
  /** The hand-off target must exist (checked once, as a 400, before any task is touched). */
  async function checkTarget(body: TaskBulkBody): Promise<void> {
    if (body.action !== 'handOff') return;
    if (!body.to || body.reason === undefined) {
      throw problems.badRequest('VALIDATION_FAILED', 'A hand-off needs a target and a reason', [
        ...(body.to ? [] : [{ pointer: '/to', message: 'required for handOff' }]),
        ...(body.reason === undefined ? [{ pointer: '/reason', message: 'required for handOff' }] : []),
      ]);
    }
    if (body.to.user !== undefined && !(await app.store.users.getByUsername(body.to.user))) {
      throw problems.badRequest('USER_NOT_FOUND', `No user '${body.to.user}'`, [
        { pointer: '/to/user', message: 'no such user' },
      ]);
    }
    if (body.to.group !== undefined && !(await app.store.groups.get(body.to.group))) {
      throw problems.badRequest('GROUP_NOT_FOUND', `No group '${body.to.group}'`, [
        { pointer: '/to/group', message: 'no such group' },
      ]);
    }
  }

  async function act(req: FastifyRequest<{ Body: TaskBulkBody }>, taskId: string): Promise<void> {
    const body = req.body;
    const identity = identityOf(req);
    switch (body.action) {
      case 'claim':
        await app.engine.claimTask(taskId, identity);
        return;
      case 'handOff':
        await app.engine.handOffTask(
          taskId,
          { user: body.to?.user, group: body.to?.group },
          body.reason ?? '',
          identity,
        );
        return;
      case 'complete': {
        const variables = (body.variables ?? {}) as Variables;
        const username = currentUser(req).username;
        await app.engine.completeTask(taskId, variables, identity, (task) =>
          assertMatchesForm(app, task.formId, variables, fileSubmission(username, task.id)),
        );
        return;
      }
    }
  }

  app.post<{ Body: TaskBulkBody }>(
    '/api/tasks/bulk',
    {
      onRequest: requireUser(),
      // The engine's policy checks a token's scopes per task, as on the single actions.
      config: { scope: 'engine' },
      schema: {
        tags: ['tasks'],
        body: ref('taskBulkBody'),
        response: { 200: ref('taskBulkReport'), ...problemResponses },
      },
    },
    async (req) => {
      await checkTarget(req.body);
      const results: Result[] = [];
      // One after another: each is its own transaction, and tasks of one instance would only
      // conflict with each other if run at once.
      for (const taskId of req.body.taskIds) {
        try {
          await act(req, taskId);
          results.push({ taskId, ok: true });
        } catch (error) {
          const refusal = refusalOf(error);
          if (!refusal) {
            req.log.error({ err: error, taskId }, 'bulk task action failed');
            results.push({
              taskId,
              ok: false,
              code: 'INTERNAL',
              status: 500,
              message: 'Something went wrong on our side; it has been logged',
            });
          } else {
            results.push({ taskId, ok: false, ...refusal });
          }
        }
      }
      const succeeded = results.filter((r) => r.ok).length;
      return { succeeded, failed: results.length - succeeded, results };
    },
  );
}
