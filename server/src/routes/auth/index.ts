import type { LoginBody } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { LoginThrottle } from '../../auth/login-throttle.js';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../../auth/passwords.js';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { newSecret, sha256 } from '../../auth/secrets.js';
import { problems } from '../../errors.js';
import { SESSION_COOKIE } from '../../plugins/auth.js';
import type { RequestUser } from '../../types.js';
import { problemResponses, ref } from '../shared.js';

function sessionUserDto(user: RequestUser) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: [...user.roles],
    groups: [...user.groups],
    locale: user.locale,
  };
}

/** Login (failed attempts throttled per IP and username), logout, and who am I. */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const throttle = new LoginThrottle(app.config.loginRateLimit.max, app.config.loginRateLimit.timeWindowMs);
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: app.config.secureCookies,
  };

  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      config: { csrf: false },
      schema: { tags: ['auth'], body: ref('loginBody'), response: { 200: ref('me'), ...problemResponses } },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const key = `${req.ip}|${username}`;
      // A throttled key is refused before the password is even checked, the right one included.
      const waitMs = throttle.retryAfterMs(key);
      if (waitMs > 0) throw problems.rateLimited(Math.ceil(waitMs / 1000));
      const creds = await app.store.users.credentials(username);
      // Verify against a dummy hash for unknown users so timing does not reveal who exists.
      const ok = await verifyPassword(password, creds?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      const user = creds && ok ? await app.store.users.getById(creds.id) : null;
      if (!user) {
        throttle.fail(key);
        throw problems.loginFailed();
      }
      throttle.succeed(key);
      const token = newSecret();
      const csrf = newSecret();
      await app.store.sessions.create({
        idHash: sha256(token),
        userId: user.id,
        csrf,
        expiresAt: new Date(Date.now() + app.config.sessionTtlMs),
      });
      reply.setCookie(SESSION_COOKIE, token, {
        ...cookieOptions,
        maxAge: Math.floor(app.config.sessionTtlMs / 1000),
      });
      return { user: sessionUserDto(user), csrfToken: csrf };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      onRequest: requireUser(),
      schema: { tags: ['auth'], response: { 204: { type: 'null' }, ...problemResponses } },
    },
    async (req, reply) => {
      if (req.auth?.kind === 'session') {
        await app.store.sessions.delete(req.auth.sessionId);
        app.authCache.clear();
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      onRequest: requireUser(),
      schema: { tags: ['auth'], response: { 200: ref('me'), ...problemResponses } },
    },
    async (req) => {
      const user = currentUser(req);
      return {
        user: sessionUserDto(user),
        csrfToken: req.auth?.kind === 'session' ? req.auth.csrfToken : null,
      };
    },
  );
}
