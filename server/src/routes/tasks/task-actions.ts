import type {
  AssignBody,
  CommentBody,
  DelegateBody,
  HandoffBody,
  IdParams,
  ReturnBody,
  TaskDataBody,
} from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { currentUser, requireRole, requireUser } from '../../auth/permissions.js';
import { assertManages, managesProcess } from '../../auth/process-scope.js';
import { visibleTask } from '../../auth/visibility.js';
import { problems } from '../../errors.js';
import { assertMatchesForm } from '../../forms/form-data.js';
import type { Variables } from '../../util/json.js';
import { taskDto } from '../dto.js';
import { problemResponses, ref } from '../shared.js';
import {
  assertAssignee,
  assertMayClaim,
  assertMayUnclaim,
  assertOpen,
  assertTargetExists,
} from './task-guards.js';

const taskAnswer = { 200: ref('task'), ...problemResponses } as const;
const noContent = { 204: { type: 'null' }, ...problemResponses } as const;

/** Claim, unclaim, draft, hand off, delegate, resolve, return, comment, assign. */
export async function taskActionRoutes(app: FastifyInstance): Promise<void> {
  const params = ref('idParams');

  app.post<{ Params: IdParams }>(
    '/api/tasks/:id/claim',
    { onRequest: requireUser(), schema: { tags: ['tasks'], params, response: taskAnswer } },
    async (req) => {
      const user = currentUser(req);
      const task = await visibleTask(app, user, req.params.id);
      assertMayClaim(user, task, await managesProcess(app, user, task.processId));
      if (task.assignee === user.username) return taskDto(task);
      return taskDto(await app.engine.claimTask(task.id, user.username, user.username));
    },
  );

  app.post<{ Params: IdParams }>(
    '/api/tasks/:id/unclaim',
    { onRequest: requireUser(), schema: { tags: ['tasks'], params, response: taskAnswer } },
    async (req) => {
      const user = currentUser(req);
      const task = await visibleTask(app, user, req.params.id);
      assertMayUnclaim(user, task, await managesProcess(app, user, task.processId));
      return taskDto(await app.engine.unclaimTask(task.id, user.username));
    },
  );

  app.post<{ Params: IdParams; Body: TaskDataBody }>(
    '/api/tasks/:id/draft',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('taskDataBody'), response: taskAnswer },
    },
    async (req) => {
      const user = currentUser(req);
      const task = await visibleTask(app, user, req.params.id);
      assertOpen(task);
      assertAssignee(user, task);
      return taskDto(
        await app.engine.saveDraft(task.id, (req.body.variables ?? {}) as Variables, user.username),
      );
    },
  );

  app.post<{ Params: IdParams; Body: HandoffBody }>(
    '/api/tasks/:id/handoff',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('handoffBody'), response: taskAnswer },
    },
    async (req) => {
      const user = currentUser(req);
      const task = await visibleTask(app, user, req.params.id);
      assertOpen(task);
      assertAssignee(user, task, { managedByCaller: await managesProcess(app, user, task.processId) });
      const to = { user: req.body.toUser, group: req.body.toGroup };
      await assertTargetExists(app, to);
      return taskDto(await app.engine.handOffTask(task.id, to, req.body.reason, user.username));
    },
  );

  app.post<{ Params: IdParams; Body: DelegateBody }>(
    '/api/tasks/:id/delegate',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('delegateBody'), response: taskAnswer },
    },
    async (req) => {
      const user = currentUser(req);
      const task = await visibleTask(app, user, req.params.id);
      assertOpen(task);
      assertAssignee(user, task);
      if (req.body.toUser === user.username)
        throw problems.badRequest('INVALID_ARGUMENT', 'Delegate to someone else');
      await assertTargetExists(app, { user: req.body.toUser });
      return taskDto(
        await app.engine.delegateTask(task.id, req.body.toUser, req.body.reason ?? null, user.username),
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
      const user = currentUser(req);
      const task = await visibleTask(app, user, req.params.id);
      assertOpen(task);
      if (!task.delegated) throw problems.conflict('TASK_NOT_DELEGATED', 'Only a delegated task is resolved');
      if (task.assignee !== user.username)
        throw problems.forbidden('Only the delegate may resolve this task');
      const variables = (req.body.variables ?? {}) as Variables;
      await assertMatchesForm(app, task.formId, variables);
      return taskDto(await app.engine.resolveTask(task.id, variables, user.username));
    },
  );

  app.post<{ Params: IdParams; Body: ReturnBody }>(
    '/api/tasks/:id/return',
    {
      onRequest: requireUser(),
      schema: { tags: ['tasks'], params, body: ref('returnBody'), response: noContent },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const task = await visibleTask(app, user, req.params.id);
      assertOpen(task);
      assertAssignee(user, task, { managedByCaller: await managesProcess(app, user, task.processId) });
      await app.engine.returnTask(task.id, req.body.targetElementId, req.body.reason, user.username);
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
      const user = currentUser(req);
      const task = await visibleTask(app, user, req.params.id);
      await app.engine.commentTask(task.id, req.body.text, user.username);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: AssignBody }>(
    '/api/tasks/:id/assign',
    {
      onRequest: requireRole('manager'),
      schema: { tags: ['tasks'], params, body: ref('assignBody'), response: taskAnswer },
    },
    async (req) => {
      const user = currentUser(req);
      const task = await visibleTask(app, user, req.params.id);
      await assertManages(app, user, task.processId);
      assertOpen(task);
      await assertTargetExists(app, { user: req.body.user });
      return taskDto(await app.engine.assignTask(task.id, req.body.user, user.username));
    },
  );
}
