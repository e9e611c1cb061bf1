import type { TaskFilter } from '@baton/engine';
import type { IdParams, TaskDataBody, TaskListQuery } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { currentUser, hasRole, requireUser } from '../../auth/permissions.js';
import { managerScope } from '../../auth/process-scope.js';
import { visibleTask } from '../../auth/visibility.js';
import { problems } from '../../errors.js';
import { fileSubmission } from '../../files/attachments.js';
import { assertMatchesForm } from '../../forms/form-data.js';
import type { RequestUser } from '../../types.js';
import { parseOptionalDateTime } from '../../util/dates.js';
import type { Variables } from '../../util/json.js';
import { historyDto, taskDto } from '../dto.js';
import { pageOf, problemResponses, ref } from '../shared.js';
import { taskActionRoutes } from './task-actions.js';

/** `headline=name=value` parameters as task variables to match; a name given twice is a 400. */
function headlineFilter(headline: readonly string[] | undefined): Record<string, string> | undefined {
  if (!headline?.length) return undefined;
  const variables: Record<string, string> = {};
  headline.forEach((entry, i) => {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at);
    if (Object.hasOwn(variables, name)) {
      throw problems.badRequest('VALIDATION_FAILED', `The headline variable '${name}' is given twice`, [
        { pointer: `/headline/${i}`, message: 'given twice' },
      ]);
    }
    variables[name] = entry.slice(at + 1);
  });
  return variables;
}

/** The inbox, one task with its form, its history, and completion. */
export async function taskRoutes(app: FastifyInstance): Promise<void> {
  /** `scope=all`: admins, and managers of every process or of the one the query names. */
  async function assertListsAll(user: RequestUser, q: TaskListQuery): Promise<void> {
    if (!hasRole(user, 'manager')) throw problems.forbidden('Only managers and admins list all tasks');
    const scope = await managerScope(app, user);
    if (scope.everything) return;
    const processId =
      q.processId ?? (q.instanceId ? (await app.engine.getInstance(q.instanceId)).processId : undefined);
    if (processId === undefined || !scope.manages(processId))
      throw problems.forbidden('List all tasks of a process you manage: give its processId or an instanceId');
  }

  app.get<{ Querystring: TaskListQuery }>(
    '/api/tasks',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['tasks'],
        querystring: ref('taskListQuery'),
        response: { 200: ref('taskList'), ...problemResponses },
      },
    },
    async (req) => {
      const user = currentUser(req);
      const q = req.query;
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const me = { user: user.username, groups: user.groups };
      const scope = q.scope ?? 'visible';
      if (scope === 'all') await assertListsAll(user, q);
      const who: TaskFilter =
        scope === 'mine'
          ? { assignee: user.username }
          : scope === 'claimable'
            ? { claimableBy: me }
            : scope === 'all'
              ? {}
              : { visibleTo: me };
      const filter: TaskFilter = {
        ...who,
        state: q.state ?? 'created',
        processId: q.processId,
        instanceId: q.instanceId,
        elementId: q.elementId,
        dueBefore: parseOptionalDateTime(q.dueBefore, '/dueBefore'),
        overdue: q.overdue,
        text: q.q,
        priorityMin: q.priorityMin,
        priorityMax: q.priorityMax,
        variables: headlineFilter(q.headline),
        sort: q.sort ?? 'due',
        limit,
        offset,
      };
      // The badge counts are three more queries; when the page itself is one of them, reuse its total.
      const plain =
        filter.state === 'created' &&
        !q.processId &&
        !q.instanceId &&
        !q.elementId &&
        !q.dueBefore &&
        !q.overdue &&
        !q.q &&
        q.priorityMin === undefined &&
        q.priorityMax === undefined &&
        !q.headline?.length;
      const count = (f: TaskFilter, same: boolean) =>
        same && plain ? null : app.engine.listTasks({ ...f, state: 'created', limit: 1 });
      const [page, mine, claimable, overdue] = await Promise.all([
        app.engine.listTasks(filter),
        count({ assignee: user.username }, scope === 'mine'),
        count({ claimableBy: me }, scope === 'claimable'),
        app.engine.listTasks({ visibleTo: me, state: 'created', overdue: true, limit: 1 }),
      ]);
      return {
        items: page.items.map(taskDto),
        total: page.total,
        limit,
        offset,
        counts: { mine: (mine ?? page).total, claimable: (claimable ?? page).total, overdue: overdue.total },
      };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/tasks/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['tasks'],
        params: ref('idParams'),
        response: { 200: ref('taskDetail'), ...problemResponses },
      },
    },
    async (req) => {
      const task = await visibleTask(app, currentUser(req), req.params.id);
      const [form, returnTargets] = await Promise.all([
        task.formId ? app.store.forms.get(task.formId) : null,
        task.state === 'created' ? app.engine.returnTargets(task.id) : [],
      ]);
      return {
        ...taskDto(task),
        form: form
          ? { formId: form.formId, version: form.version, schema: form.schema, uiSchema: form.uiSchema }
          : null,
        returnTargets: returnTargets.map((t) => ({ elementId: t.elementId, name: t.name })),
      };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/tasks/:id/history',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['tasks'],
        params: ref('idParams'),
        response: { 200: ref('historyList'), ...problemResponses },
      },
    },
    async (req) => {
      const task = await visibleTask(app, currentUser(req), req.params.id);
      const events = (await app.engine.getHistory(task.instanceId)).filter((e) => e.taskId === task.id);
      return pageOf(events.map(historyDto), events.length, 0);
    },
  );

  app.post<{ Params: IdParams; Body: TaskDataBody }>(
    '/api/tasks/:id/complete',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['tasks'],
        params: ref('idParams'),
        body: ref('taskDataBody'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const variables = (req.body.variables ?? {}) as Variables;
      // One engine command: the policy (assignee, or a candidate claiming it now), then the form.
      await app.engine.completeTask(req.params.id, variables, identityOf(req), (task) =>
        assertMatchesForm(app, task.formId, variables, fileSubmission(currentUser(req).username, task.id)),
      );
      return reply.code(204).send();
    },
  );

  await app.register(taskActionRoutes);
}
