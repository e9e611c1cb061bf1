import type { InstanceSummary, Task } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { problems } from '../errors.js';
import { readerOf } from './identity.js';
import type { RequestUser } from '../types.js';
import { canSeeTask } from './permissions.js';
import { type ManagerScope, managerScope } from './process-scope.js';

/**
 * Managers of its process and admins see an instance; others see the ones they take part in, by
 * the engine's one test (`engine.takesPart`): they started it, or one of its tasks is or was
 * theirs, or offered to them or their groups.
 */
export async function canSeeInstance(
  app: FastifyInstance,
  user: RequestUser,
  instance: InstanceSummary,
  scope?: ManagerScope,
): Promise<boolean> {
  if ((scope ?? (await managerScope(app, user))).manages(instance.processId)) return true;
  return app.engine.takesPart(instance.id, readerOf(user));
}

/** The instance, or a 404 when it does not exist or the user may not see it (no existence leak). */
export async function visibleInstance(app: FastifyInstance, user: RequestUser, id: string) {
  const instance = await app.engine.getInstance(id);
  if (!(await canSeeInstance(app, user, instance))) throw problems.notFound('Process instance');
  return instance;
}

/** The task, or a 404 when it does not exist or the user may not see it. */
export async function visibleTask(app: FastifyInstance, user: RequestUser, id: string): Promise<Task> {
  const task = await app.engine.getTask(id);
  if (canSeeTask(user, task, false)) return task;
  if (task.state === 'created' && task.assignee && (await standsInFor(app, user, task.assignee))) return task;
  // Someone a comment mentioned reads the task (the engine's policy still refuses them every action).
  if (await app.store.watchers.watches(task.id, user.username)) return task;
  if (!(await managerScope(app, user)).manages(task.processId)) throw problems.notFound('Task');
  return task;
}

/** A substitute sees the open tasks of someone away they stand in for (docs/TEAMS.md). */
async function standsInFor(app: FastifyInstance, user: RequestUser, assignee: string): Promise<boolean> {
  const away = await app.engine.listAbsences({
    userId: assignee,
    substitute: user.username,
    activeAt: app.engine.clock.now(),
  });
  return away.length > 0;
}
