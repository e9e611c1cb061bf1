import type { Identity } from '@baton/engine';
import type { FastifyInstance } from 'fastify';

/** Why a user's credentials are withdrawn. */
export type RevocationReason =
  | 'password-changed'
  | 'password-reset'
  | 'roles-changed'
  | 'deactivated'
  | 'deleted';

/** Reasons after which tokens an admin marked `keepOnCredentialChange` stay valid. */
const KEEPS_PROTECTED_TOKENS: ReadonlySet<RevocationReason> = new Set([
  'password-changed',
  'password-reset',
  'roles-changed',
]);

/**
 * Withdraws every credential of a user, the one place that does: their sessions and API tokens
 * (except, on a password or role change, tokens an admin marked to survive it) are deleted, this
 * process's auth cache is cleared, and the change is announced to open event streams here and, on
 * PostgreSQL, to the other server processes (which clear their caches and re-check their streams;
 * should that connection be down, their 5 s cache TTL bounds the delay).
 *
 * Call it after the change that warrants it is committed (new password, roles, deactivation,
 * deletion): a lookup made in between already sees the change.
 *
 * @example
 * await app.store.users.update(id, { passwordHash });
 * await revokeCredentials(app, id, 'password-reset');
 */
export async function revokeCredentials(
  app: FastifyInstance,
  userId: string,
  reason: RevocationReason,
): Promise<{ sessions: number; tokens: number }> {
  const sessions = await app.store.sessions.deleteForUser(userId);
  const tokens = await app.store.apiTokens.deleteForUser(userId, {
    keepProtected: KEEPS_PROTECTED_TOKENS.has(reason),
  });
  app.authCache.clear();
  app.live.credentialsChanged(userId, reason);
  app.log.info({ audit: 'credentials.revoked', userId, reason, sessions, tokens }, 'credentials revoked');
  return { sessions, tokens };
}

/**
 * Open tasks assigned to the user go back to their candidates, and tasks they delegated to their
 * delegate's hands alone (one engine command, checked against the admin who acts; history says
 * why). Called when a user is deleted or deactivated, after their credentials are revoked.
 */
export async function releaseWorkOf(
  app: FastifyInstance,
  user: { readonly username: string },
  by: Identity,
  reason: 'deleted' | 'deactivated',
): Promise<number> {
  const released = await app.engine.releaseTasksOf(user.username, reason, by);
  app.log.info({ audit: 'tasks.released', user: user.username, reason, released }, 'tasks released');
  return released;
}
