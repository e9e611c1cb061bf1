import type { Task } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { canClaim } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import type { RequestUser } from '../../types.js';

/** The task is open; else 409 (the engine says so too, but earlier is cheaper and clearer). */
export function assertOpen(task: Task): void {
  if (task.state !== 'created')
    throw problems.conflict('TASK_NOT_ACTIVE', `Task ${task.id} is ${task.state}`);
}

/**
 * Only the assignee works the task; where the contract says so, so may whoever manages its process
 * (`managedByCaller`: the caller is a manager of it, or an admin).
 */
export function assertAssignee(
  user: RequestUser,
  task: Task,
  opts: { managedByCaller?: boolean } = {},
): void {
  if (task.assignee === user.username) return;
  if (opts.managedByCaller) return;
  if (task.assignee === null && canClaim(user, task)) {
    throw problems.conflict('TASK_NOT_CLAIMED', 'Claim the task first');
  }
  throw problems.forbidden('Only the assignee may do this');
}

/** May claim: a candidate of the open, unassigned task, or a manager of its process. */
export function assertMayClaim(user: RequestUser, task: Task, managedByCaller: boolean): void {
  assertOpen(task);
  if (task.assignee === user.username) return;
  if (task.assignee !== null)
    throw problems.conflict('TASK_ALREADY_CLAIMED', `Task is assigned to ${task.assignee}`);
  if (!canClaim(user, task) && !managedByCaller)
    throw problems.forbidden('You are not a candidate for this task');
}

/** May unclaim: the assignee, or a manager of its process. */
export function assertMayUnclaim(user: RequestUser, task: Task, managedByCaller: boolean): void {
  assertOpen(task);
  if (task.assignee === user.username || (task.assignee !== null && managedByCaller)) return;
  if (task.assignee === null) throw problems.conflict('TASK_NOT_CLAIMED', 'The task is not claimed');
  throw problems.forbidden('Only the assignee may unclaim this task');
}

/** A user or group the task is handed to must exist. */
export async function assertTargetExists(
  app: FastifyInstance,
  to: { user?: string; group?: string },
): Promise<void> {
  if (to.user !== undefined && !(await app.store.users.getByUsername(to.user))) {
    throw problems.badRequest('USER_NOT_FOUND', `No user '${to.user}'`, [
      { pointer: '/toUser', message: 'no such user' },
    ]);
  }
  if (to.group !== undefined && !(await app.store.groups.get(to.group))) {
    throw problems.badRequest('GROUP_NOT_FOUND', `No group '${to.group}'`, [
      { pointer: '/toGroup', message: 'no such group' },
    ]);
  }
}
