import { allowsScope } from '@baton/schemas';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual, sha256 } from '../auth/secrets.js';
import { problems } from '../errors.js';
import type { RequestAuth, RequestUser, RouteScope } from '../types.js';
import { shared } from '../util/skip-override.js';

export const SESSION_COOKIE = 'baton_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const READS = new Set(['GET', 'HEAD']);

// Resolving a caller costs one query; the inbox and completion hot paths repeat it per request.
// A short cache keeps that off the database. This process clears it on every user, group, token or
// session change; other processes clear theirs when the change reaches them over LISTEN/NOTIFY
// (PostgreSQL), and within the TTL at the latest (when that connection is down).
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
 * Refuses an API token the scope a route needs (see `RouteScope`): `engine` routes pass (the
 * engine's policy checks the scopes), a declared scope must be held, and a route that declares
 * none takes tokens only to read (GET/HEAD with `read`).
 */
function checkTokenScope(req: FastifyRequest, user: RequestUser, scopes: readonly string[]): void {
  // No route matched: the 404 answer reveals nothing a scope would protect.
  if (req.routeOptions.url === undefined) return;
  const declared = req.routeOptions.config.scope;
  if (declared === 'engine') return;
  const needed = declared ?? (READS.has(req.method) ? 'read' : null);
  if (needed === null)
    throw problems.tokenScope(
      `API tokens may not call ${req.method} ${req.routeOptions.url}; sign in instead`,
    );
  if (!allowsScope({ roles: user.roles, scopes }, needed))
    throw problems.tokenScope(
      `This API token lacks the scope '${needed}' (or its owner's roles no longer allow it)`,
    );
}

/**
 * Resolves `request.user` from the `baton_session` cookie or `Authorization: Bearer`, checks the
 * CSRF header on unsafe methods of cookie-authenticated requests, and the scopes of tokens.
 */
export const authPlugin = shared(async (app: FastifyInstance) => {
  const cache = new Map<string, { value: Resolved; until: number }>();
  app.decorate('authCache', { clear: () => cache.clear() });
  app.decorateRequest('user', null);
  app.decorateRequest('auth', null);
  // A revocation or logout in another process: forget what this one has cached.
  const stopListening = app.live.onCredentials(() => cache.clear());
  app.addHook('onClose', async () => stopListening());

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
        return {
          user: found.user,
          auth: { kind: 'token', tokenId: found.tokenId, name: found.name, scopes: found.scopes },
        };
      });
      if (resolved?.auth.kind !== 'token') throw problems.unauthenticated('Unknown or revoked API token');
      checkTokenScope(req, resolved.user, resolved.auth.scopes);
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

/**
 * Registers a resource plugin whose routes declare no scope of their own with `scope` as their
 * default: `engine` for the routes that hand the caller's identity (a token's scopes included) to
 * the engine, whose policy decides.
 */
export function withRouteScope(plugin: FastifyPluginAsync, scope: RouteScope): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRoute', (route) => {
      route.config = { ...route.config, scope: route.config?.scope ?? scope };
    });
    await app.register(plugin);
  };
}
