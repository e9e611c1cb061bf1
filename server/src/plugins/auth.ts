import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual, sha256 } from '../auth/secrets.js';
import { problems } from '../errors.js';
import type { RequestAuth, RequestUser } from '../types.js';
import { shared } from '../util/skip-override.js';

export const SESSION_COOKIE = 'baton_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Resolving a caller costs one query; the inbox and completion hot paths repeat it per request.
// A short cache keeps that off the database; this process clears it on every user, group, token
// or session change, and other processes see a change within the TTL.
const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;
type Resolved = { user: RequestUser; auth: RequestAuth } | null;

/** Clears cached callers; call after any change to users, groups, sessions or tokens. */
export interface AuthCache {
  clear(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    authCache: AuthCache;
  }
}

/**
 * Resolves `request.user` from the `baton_session` cookie or `Authorization: Bearer`, and checks
 * the CSRF header on unsafe methods of cookie-authenticated requests.
 */
export const authPlugin = shared(async (app: FastifyInstance) => {
  const cache = new Map<string, { value: Resolved; until: number }>();
  app.decorate('authCache', { clear: () => cache.clear() });
  app.decorateRequest('user', null);
  app.decorateRequest('auth', null);

  async function cached(key: string, load: () => Promise<Resolved>): Promise<Resolved> {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, { value, until: now + CACHE_TTL_MS });
    return value;
  }

  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw problems.unauthenticated('Malformed Authorization header; use "Bearer <token>"');
      const hash = sha256(match[1]);
      const resolved = await cached(`t:${hash}`, async () => {
        const found = await app.store.apiTokens.lookup(hash);
        if (!found) return null;
        void app.store.apiTokens.touch(found.tokenId, new Date()).catch(() => undefined);
        // Until tokens carry their own scopes, a token may do what its owner's roles allow.
        const scopes = [
          'read',
          'tasks',
          'start',
          'manage',
          'deploy',
          'admin',
          'jobs:*',
          'messages:*',
          'signals:*',
        ];
        return {
          user: found.user,
          auth: { kind: 'token', tokenId: found.tokenId, name: found.name, scopes },
        };
      });
      if (!resolved) throw problems.unauthenticated('Unknown or revoked API token');
      req.user = resolved.user;
      req.auth = resolved.auth;
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const hash = sha256(cookie);
    const resolved = await cached(`s:${hash}`, async () => {
      const found = await app.store.sessions.lookup(hash, new Date());
      return found
        ? { user: found.user, auth: { kind: 'session', sessionId: hash, csrfToken: found.csrf } }
        : null;
    });
    if (resolved?.auth.kind !== 'session') return;
    if (UNSAFE.has(req.method) && req.routeOptions.config.csrf !== false) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, resolved.auth.csrfToken)) throw problems.csrfInvalid();
    }
    req.user = resolved.user;
    req.auth = resolved.auth;
  });
});
