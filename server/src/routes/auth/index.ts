import type { LoginBody } from '@baton/schemas';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
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

/** Login (rate-limited per IP and username), logout, and who am I. */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    // After the body is parsed, so the limit can key on the username too.
    hook: 'preHandler',
    errorResponseBuilder: (_req, ctx) => problems.rateLimited(ctx.after),
  });
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: app.config.secureCookies,
  };

  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      config: {
        csrf: false,
        rateLimit: {
          max: app.config.loginRateLimit.max,
          timeWindow: app.config.loginRateLimit.timeWindowMs,
          keyGenerator: (req) =>
            `${req.ip}|${String((req.body as Partial<LoginBody> | undefined)?.username ?? '')}`,
        },
      },
      schema: { tags: ['auth'], body: ref('loginBody'), response: { 200: ref('me'), ...problemResponses } },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const creds = await app.store.users.credentials(username);
      // Verify against a dummy hash for unknown users so timing does not reveal who exists.
      const ok = await verifyPassword(password, creds?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      if (!creds || !ok) throw problems.loginFailed();
      const user = await app.store.users.getById(creds.id);
      if (!user) throw problems.loginFailed();
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
