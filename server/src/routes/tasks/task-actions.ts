import type {
  AssignBody,
  CommentBody,
  DelegateBody,
  HandoffBody,
  IdParams,
  ReturnBody,
  TaskDataBody,
  TaskUpdateBody,
} from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { problems } from '../../errors.js';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { fileSubmission } from '../../files/attachments.js';
import { assertMatchesForm } from '../../forms/form-data.js';
import { notifyMentions } from '../../notifications/mentions.js';
import type { Variables } from '../../util/json.js';
import { taskDto } from '../dto.js';
import { problemResponses, ref } from '../shared.js';
import { assertTargetExists } from './task-guards.js';

const taskAnswer = { 200: ref('task'), ...problemResponses } as const;
const noContent = { 204: { type: 'null' }, ...problemResponses } as const;

/**
 * Claim, unclaim, update, draft, hand off, delegate, resolve, return, comment, assign. Handlers are thin:
 * they pass the caller's identity to the engine, whose one policy decides in the transaction that
 * acts (a hidden task is 404, a task the caller may not touch 403, a conflict 409).
 */
export async function taskActionRoutes(app: FastifyInstance): Promise<void> {
  const params = ref('idParams');

  app.post<{ Params: IdParams }>(
    '/api/tasks/:id/claim',
    { onRequest: requireUser(), schema: { tags: ['tasks'], params, response: taskAnswer } },
    async (req) => taskDto(await app.engine.claimTask(req.params.id, identityOf(req))),
  );

  app.post<{ Params: IdParams }>(
    '/api/tasks/:id/unclaim',
    { onRequest: requireUser(), schema: { tags: ['tasks'], params, response: taskAnswer } },
    async (req) => taskDto(await app.engine.unclaimTask(req.params.id, identityOf(req))),
  );

  // Camunda 8's "update user task": dates, priority, candidates. A task with updating listeners
  // answers `updating`; the change takes effect when they agree.
  app.patch<{ Params: IdParams; Body: TaskUpdateBody }>(
    '/api/tasks/:id',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('taskUpdateBody'), response: taskAnswer },
    },
    async (req) => {
      const { changeset } = req.body;
      // About the request, not the task: a changeset of nulls only changes nothing.
      if (Object.values(changeset).every((value) => value === null))
        throw problems.badRequest('VALIDATION_FAILED', 'The changeset changes nothing', [
          { pointer: '/changeset', message: 'give at least one field that is not null' },
        ]);
      return taskDto(await app.engine.updateTask(req.params.id, changeset, identityOf(req)));
    },
  );

  app.post<{ Params: IdParams; Body: TaskDataBody }>(
    '/api/tasks/:id/draft',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('taskDataBody'), response: taskAnswer },
    },
    async (req) =>
      taskDto(
        await app.engine.saveDraft(req.params.id, (req.body.variables ?? {}) as Variables, identityOf(req)),
      ),
  );

  app.post<{ Params: IdParams; Body: HandoffBody }>(
    '/api/tasks/:id/handoff',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('handoffBody'), response: taskAnswer },
    },
    async (req) => {
      const to = { user: req.body.toUser, group: req.body.toGroup };
      await assertTargetExists(app, to);
      return taskDto(await app.engine.handOffTask(req.params.id, to, req.body.reason, identityOf(req)));
    },
  );

  app.post<{ Params: IdParams; Body: DelegateBody }>(
    '/api/tasks/:id/delegate',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('delegateBody'), response: taskAnswer },
    },
    async (req) => {
      await assertTargetExists(app, { user: req.body.toUser });
      return taskDto(
        await app.engine.delegateTask(
          req.params.id,
          req.body.toUser,
          req.body.reason ?? null,
          identityOf(req),
        ),
      );
    },
  );

  app.post<{ Params: IdParams; Body: TaskDataBody }>(
    '/api/tasks/:id/resolve',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('taskDataBody'), response: taskAnswer },
    },
    async (req) => {
      const variables = (req.body.variables ?? {}) as Variables;
      return taskDto(
        await app.engine.resolveTask(req.params.id, variables, identityOf(req), (task) =>
          assertMatchesForm(app, task.formId, variables, fileSubmission(currentUser(req).username, task.id)),
        ),
      );
    },
  );

  app.post<{ Params: IdParams; Body: ReturnBody }>(
    '/api/tasks/:id/return',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('returnBody'), response: noContent },
    },
    async (req, reply) => {
      await app.engine.returnTask(req.params.id, req.body.targetElementId, req.body.reason, identityOf(req));
      return reply.code(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: CommentBody }>(
    '/api/tasks/:id/comments',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('commentBody'), response: noContent },
    },
    async (req, reply) => {
      const identity = identityOf(req);
      await app.engine.commentTask(req.params.id, req.body.text, identity);
      // The comment is committed; telling the people it mentions must not undo or fail it.
      try {
        await notifyMentions(app, await app.engine.getTask(req.params.id), req.body.text, identity.id);
      } catch (error) {
        req.log.warn({ err: error }, 'mentions not recorded');
      }
      return reply.code(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: AssignBody }>(
    '/api/tasks/:id/assign',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('assignBody'), response: taskAnswer },
    },
    async (req) => {
      await assertTargetExists(app, { user: req.body.user });
      return taskDto(await app.engine.assignTask(req.params.id, req.body.user, identityOf(req)));
    },
  );
}
