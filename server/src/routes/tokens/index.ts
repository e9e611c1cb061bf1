import type { ApiTokenCreate, IdParams } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { newSecret, sha256 } from '../../auth/secrets.js';
import { problems } from '../../errors.js';
import type { ApiTokenRecord } from '../../persistence/api-tokens.js';
import { iso, isoOrNull } from '../../util/dates.js';
import { pageOf, problemResponses, ref } from '../shared.js';

function tokenDto(t: ApiTokenRecord) {
  return { id: t.id, name: t.name, createdAt: iso(t.createdAt), lastUsedAt: isoOrNull(t.lastUsedAt) };
}

/** A user's own API tokens; the secret is shown once, at creation. */
export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/tokens',
    {
      onRequest: requireUser(),
      schema: { tags: ['tokens'], response: { 200: ref('apiTokenList'), ...problemResponses } },
    },
    async (req) => {
      const all = (await app.store.apiTokens.listForUser(currentUser(req).id)).map(tokenDto);
      return pageOf(all, all.length, 0);
    },
  );

  app.post<{ Body: ApiTokenCreate }>(
    '/api/tokens',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['tokens'],
        body: ref('apiTokenCreate'),
        response: { 201: ref('apiTokenCreated'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const token = newSecret('bt_');
      const created = await app.store.apiTokens.create({
        userId: currentUser(req).id,
        name: req.body.name,
        tokenHash: sha256(token),
      });
      return reply.code(201).send({ ...tokenDto(created), token });
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/tokens/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['tokens'],
        params: ref('idParams'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      if (!(await app.store.apiTokens.delete(currentUser(req).id, req.params.id)))
        throw problems.notFound('API token');
      app.authCache.clear();
      return reply.code(204).send();
    },
  );
}
