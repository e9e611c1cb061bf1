import { policy, type Task } from '@baton/engine';
import type { Role } from '@baton/schemas';
import type { FastifyRequest } from 'fastify';
import { problems } from '../errors.js';
import type { RequestUser } from '../types.js';
import { readerOf } from './identity.js';

/** The signed-in user, or a 401. */
export function currentUser(req: FastifyRequest): RequestUser {
  if (!req.user) throw problems.unauthenticated();
  return req.user;
}

/** Admins hold every role. */
export function hasRole(user: RequestUser, ...roles: readonly Role[]): boolean {
  return user.roles.includes('admin') || roles.some((r) => user.roles.includes(r));
}

/** onRequest hook: signed in (cookie or token), any role. */
export function requireUser() {
  return async (req: FastifyRequest): Promise<void> => {
    currentUser(req);
  };
}

/** onRequest hook: signed in with one of these roles (admin always passes). */
export function requireRole(...roles: readonly Role[]) {
  return async (req: FastifyRequest): Promise<void> => {
    const user = currentUser(req);
    if (!hasRole(user, ...roles))
      throw problems.forbidden(`Needs one of the roles: ${['admin', ...roles].join(', ')}`);
  };
}

/** onRequest hook: one of these roles, or any API token (workers and integrations). */
export function requireRoleOrToken(...roles: readonly Role[]) {
  return async (req: FastifyRequest): Promise<void> => {
    const user = currentUser(req);
    if (req.auth?.kind === 'token') return;
    if (!hasRole(user, ...roles)) {
      throw problems.forbidden(`Needs an API token or one of the roles: ${['admin', ...roles].join(', ')}`);
    }
  };
}

/**
 * Everyone sees the tasks assigned to them, completed by them, or that they may claim; managers
 * (`manages`: of this task's process) and admins see all. The engine's policy decides.
 */
export function canSeeTask(user: RequestUser, task: Task, manages: boolean): boolean {
  return policy.seesTask(readerOf(user), task, manages);
}
