import type { IdParams, UserCreate, UserListQuery, UserPatch } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { assertPasswordPolicy } from '../../auth/password-policy.js';
import { hashPassword } from '../../auth/passwords.js';
import { currentUser, hasRole, requireRole, requireUser } from '../../auth/permissions.js';
import { identityOf } from '../../auth/identity.js';
import { type RevocationReason, releaseWorkOf, revokeCredentials } from '../../auth/user-lifecycle.js';
import { problems } from '../../errors.js';
import type { UserRecord } from '../../persistence/users.js';
import { iso } from '../../util/dates.js';
import { sameMembers } from '../../util/sets.js';
import { problemResponses, ref } from '../shared.js';

/** Everything about a user, for admins. */
export function userDto(u: UserRecord) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: [...u.roles],
    groups: [...u.groups],
    locale: u.locale,
    active: u.active,
    createdAt: iso(u.createdAt),
  };
}

/** Users: admins manage them; everyone signed in may list names for pickers. */
export async function userRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: UserListQuery }>(
    '/api/users',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: {
        tags: ['users'],
        querystring: ref('userListQuery'),
        response: { 200: ref('userList'), ...problemResponses },
      },
    },
    async (req) => {
      const admin = hasRole(currentUser(req), 'admin');
      const { limit = 50, offset = 0, q } = req.query;
      const page = await app.store.users.list({ q, limit, offset });
      const items = page.items.map((u) =>
        admin ? userDto(u) : { id: u.id, username: u.username, displayName: u.displayName },
      );
      return { items, total: page.total, limit, offset };
    },
  );

  app.post<{ Body: UserCreate }>(
    '/api/users',
    {
      onRequest: requireRole('admin'),
      config: { scope: 'admin' },
      schema: {
        tags: ['users'],
        body: ref('userCreate'),
        response: { 201: ref('user'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const displayName = b.displayName ?? b.username;
      assertPasswordPolicy(b.password, { username: b.username, displayName });
      const user = await app.store.users.create({
        username: b.username,
        displayName,
        passwordHash: await hashPassword(b.password),
        roles: b.roles ?? [],
        locale: b.locale ?? 'en',
        groups: b.groups ?? [],
      });
      req.log.info(
        { audit: 'user.created', userId: user.id, by: currentUser(req).id, roles: user.roles },
        'user created',
      );
      return reply.code(201).send(userDto(user));
    },
  );

  app.patch<{ Params: IdParams; Body: UserPatch }>(
    '/api/users/:id',
    {
      onRequest: requireRole('admin'),
      config: { scope: 'admin' },
      schema: {
        tags: ['users'],
        params: ref('idParams'),
        body: ref('userPatch'),
        response: { 200: ref('user'), ...problemResponses },
      },
    },
    async (req) => {
      const b = req.body;
      const before = await app.store.users.getById(req.params.id);
      if (!before) throw problems.notFound('User');
      if (b.active === false && before.id === currentUser(req).id)
        throw problems.conflict('CANNOT_DEACTIVATE_SELF', 'You cannot deactivate your own account');
      if (b.password !== undefined)
        assertPasswordPolicy(b.password, {
          username: before.username,
          displayName: b.displayName ?? before.displayName,
        });
      const user = await app.store.users.update(req.params.id, {
        displayName: b.displayName,
        passwordHash: b.password === undefined ? undefined : await hashPassword(b.password),
        roles: b.roles,
        locale: b.locale,
        groups: b.groups,
        active: b.active,
      });
      if (!user) throw problems.notFound('User');
      // One revocation, for the weightiest reason: deactivation takes every token.
      const deactivated = before.active && !user.active;
      const reason: RevocationReason | null = deactivated
        ? 'deactivated'
        : b.password !== undefined
          ? 'password-reset'
          : !sameMembers(before.roles, user.roles)
            ? 'roles-changed'
            : null;
      if (reason) await revokeCredentials(app, user.id, reason);
      else if (!sameMembers(before.groups, user.groups))
        app.live.credentialsChanged(user.id, 'groups-changed');
      if (deactivated) await releaseWorkOf(app, user, identityOf(req), 'deactivated');
      app.authCache.clear();
      if (reason || before.active !== user.active)
        req.log.info(
          { audit: 'user.changed', userId: user.id, by: currentUser(req).id, reason, active: user.active },
          'user changed',
        );
      return userDto(user);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/users/:id',
    {
      onRequest: requireRole('admin'),
      config: { scope: 'admin' },
      schema: {
        tags: ['users'],
        params: ref('idParams'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      if (req.params.id === currentUser(req).id) {
        throw problems.conflict('CANNOT_DELETE_SELF', 'You cannot delete your own account');
      }
      const user = await app.store.users.getById(req.params.id);
      if (!user || !(await app.store.users.softDelete(user.id))) throw problems.notFound('User');
      await revokeCredentials(app, user.id, 'deleted');
      await releaseWorkOf(app, user, identityOf(req), 'deleted');
      req.log.info({ audit: 'user.deleted', userId: user.id, by: currentUser(req).id }, 'user deleted');
      return reply.code(204).send();
    },
  );
}
