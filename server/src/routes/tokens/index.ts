import {
  type ApiTokenCreate,
  type ApiTokenListQuery,
  grantableBy,
  type IdParams,
  parseScope,
} from '@baton/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { currentUser, hasRole, requireUser } from '../../auth/permissions.js';
import { newSecret, sha256 } from '../../auth/secrets.js';
import { problems } from '../../errors.js';
import type { ApiTokenRecord } from '../../persistence/api-tokens.js';
import { iso, isoOrNull } from '../../util/dates.js';
import { pageOf, problemResponses, ref } from '../shared.js';

function tokenDto(t: ApiTokenRecord) {
  return {
    id: t.id,
    userId: t.userId,
    name: t.name,
    scopes: [...t.scopes],
    keepOnCredentialChange: t.keepOnCredentialChange,
    createdAt: iso(t.createdAt),
    lastUsedAt: isoOrNull(t.lastUsedAt),
  };
}

/** Tokens are made and withdrawn by people, signed in: a token cannot mint or revoke tokens. */
function requireSession(req: FastifyRequest): void {
  if (req.auth?.kind === 'token')
    throw problems.tokenScope('API tokens cannot create or revoke tokens; sign in to manage tokens');
}

/**
 * API tokens: yours (an admin may name another user). Each token holds the scopes it was given,
 * within what its owner's roles allow; the secret is shown once, at creation.
 */
export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ApiTokenListQuery }>(
    '/api/tokens',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: {
        tags: ['tokens'],
        querystring: ref('apiTokenListQuery'),
        response: { 200: ref('apiTokenList'), ...problemResponses },
      },
    },
    async (req) => {
      const me = currentUser(req);
      const userId = req.query.userId ?? me.id;
      if (userId !== me.id && !hasRole(me, 'admin'))
        throw problems.forbidden("Only admins may list another user's tokens");
      const all = (await app.store.apiTokens.listForUser(userId)).map(tokenDto);
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
      requireSession(req);
      const me = currentUser(req);
      const admin = hasRole(me, 'admin');
      const b = req.body;
      if (b.userId !== undefined && b.userId !== me.id && !admin)
        throw problems.forbidden('Only admins may create a token for another user');
      if (b.keepOnCredentialChange && !admin)
        throw problems.forbidden('Only admins may make a token survive password and role changes');
      const owner =
        b.userId === undefined || b.userId === me.id ? me : await app.store.users.getById(b.userId);
      if (!owner || ('active' in owner && !owner.active)) throw problems.notFound('User');
      b.scopes.forEach((text, index) => {
        const scope = parseScope(text);
        if (!scope || !grantableBy(owner.roles, scope))
          throw problems.scopeNotGrantable(text, index, owner.username);
      });
      const token = newSecret('bt_');
      const created = await app.store.apiTokens.create({
        userId: owner.id,
        name: b.name,
        tokenHash: sha256(token),
        scopes: b.scopes,
        keepOnCredentialChange: b.keepOnCredentialChange ?? false,
      });
      req.log.info(
        {
          audit: 'token.created',
          tokenId: created.id,
          userId: owner.id,
          by: me.id,
          scopes: created.scopes,
          keepOnCredentialChange: created.keepOnCredentialChange,
        },
        'API token created',
      );
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
      requireSession(req);
      const me = currentUser(req);
      const deleted = await app.store.apiTokens.delete(hasRole(me, 'admin') ? null : me.id, req.params.id);
      if (!deleted) throw problems.notFound('API token');
      app.authCache.clear();
      app.live.credentialsChanged(deleted.userId, 'token-revoked');
      req.log.info(
        { audit: 'token.revoked', tokenId: req.params.id, userId: deleted.userId, by: me.id },
        'API token revoked',
      );
      return reply.code(204).send();
    },
  );
}
