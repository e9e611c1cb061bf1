import { type UserIdentity, userIdentity } from '@baton/engine';
import type { FastifyRequest } from 'fastify';
import type { RequestUser } from '../types.js';
import { currentUser } from './permissions.js';

/**
 * Who acts, as the engine's policy sees it: the signed-in user's stable id (their user name,
 * never given to anyone else), groups and roles, and for an API token its scopes and name. The
 * routes hand this to the engine, which checks it in the transaction that acts.
 */
export function identityOf(req: FastifyRequest): UserIdentity {
  const user = currentUser(req);
  const auth = req.auth;
  return auth?.kind === 'token'
    ? userIdentity(user.username, {
        groups: user.groups,
        roles: user.roles,
        scopes: auth.scopes,
        tokenName: auth.name,
      })
    : userIdentity(user.username, { groups: user.groups, roles: user.roles });
}

/** The user as a reader: what they may see is decided by roles and groups (a token's `read` scope is checked per route). */
export function readerOf(user: RequestUser): UserIdentity {
  return userIdentity(user.username, { groups: user.groups, roles: user.roles });
}
