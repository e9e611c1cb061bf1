import type { IdParams, UserCreate, UserListQuery, UserPatch } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../auth/passwords.js';
import { currentUser, hasRole, requireRole, requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import type { UserRecord } from '../../persistence/users.js';
import { iso } from '../../util/dates.js';
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
    createdAt: iso(u.createdAt),
  };
}

/** Users: admins manage them; everyone signed in may list names for pickers. */
export async function userRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: UserListQuery }>(
    '/api/users',
    {
      onRequest: requireUser(),
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
      schema: {
        tags: ['users'],
        body: ref('userCreate'),
        response: { 201: ref('user'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const user = await app.store.users.create({
        username: b.username,
        displayName: b.displayName ?? b.username,
        passwordHash: await hashPassword(b.password),
        roles: b.roles ?? [],
        locale: b.locale ?? 'en',
        groups: b.groups ?? [],
      });
      return reply.code(201).send(userDto(user));
    },
  );

  app.patch<{ Params: IdParams; Body: UserPatch }>(
    '/api/users/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['users'],
        params: ref('idParams'),
        body: ref('userPatch'),
        response: { 200: ref('user'), ...problemResponses },
      },
    },
    async (req) => {
      const b = req.body;
      const user = await app.store.users.update(req.params.id, {
        displayName: b.displayName,
        passwordHash: b.password === undefined ? undefined : await hashPassword(b.password),
        roles: b.roles,
        locale: b.locale,
        groups: b.groups,
      });
      if (!user) throw problems.notFound('User');
      app.authCache.clear();
      return userDto(user);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/users/:id',
    {
      onRequest: requireRole('admin'),
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
      if (!(await app.store.users.softDelete(req.params.id))) throw problems.notFound('User');
      app.authCache.clear();
      return reply.code(204).send();
    },
  );
}
