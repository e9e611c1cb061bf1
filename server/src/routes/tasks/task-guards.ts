import type { FastifyInstance } from 'fastify';
import { problems } from '../../errors.js';

/** A user or group the task is handed to must exist (input validation; who may hand off is the engine's to decide). */
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
