import type { LoginBody, PasswordChangeBody } from '@baton/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loginThrottle } from '../../auth/login-throttle.js';
import { assertPasswordPolicy } from '../../auth/password-policy.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../../auth/passwords.js';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { newSecret, sha256 } from '../../auth/secrets.js';
import { revokeCredentials } from '../../auth/user-lifecycle.js';
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

/**
 * Login (every attempt counted before the password is checked, per address and username, in the
 * database), logout, changing your own password, and who am I.
 */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const limits = app.config.loginRateLimit;
  const throttle = loginThrottle(app.store, {
    max: limits.max,
    maxPerAddress: limits.maxPerAddress ?? limits.max * 10,
    maxPerAccount: limits.maxPerAccount ?? limits.max * 10,
    timeWindowMs: limits.timeWindowMs,
  });
  // `Secure` when configured (or NODE_ENV=production, see credentialSettingsFromEnv) and whenever
  // the request came over HTTPS, as trustProxy lets fastify see the protocol.
  const cookieOptions = (req: FastifyRequest) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: app.config.secureCookies || req.protocol === 'https',
  });

  async function startSession(req: FastifyRequest, reply: FastifyReply, user: RequestUser) {
    const token = newSecret();
    const csrf = newSecret();
    await app.store.sessions.create({
      idHash: sha256(token),
      userId: user.id,
      csrf,
      expiresAt: new Date(Date.now() + app.config.sessionTtlMs),
    });
    reply.setCookie(SESSION_COOKIE, token, {
      ...cookieOptions(req),
      maxAge: Math.floor(app.config.sessionTtlMs / 1000),
    });
    return { user: sessionUserDto(user), csrfToken: csrf, scopes: null };
  }

  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      config: { csrf: false },
      schema: { tags: ['auth'], body: ref('loginBody'), response: { 200: ref('me'), ...problemResponses } },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      // Counted before the hash: a burst cannot get more than the limit checked, and a throttled
      // attempt is refused even with the right password.
      const admission = await throttle.admit(req.ip, username);
      if (!admission.allowed) {
        req.log.warn({ audit: 'login.throttled', ip: req.ip, key: admission.key }, 'login throttled');
        throw problems.rateLimited(Math.ceil(admission.retryAfterMs / 1000));
      }
      const creds = await app.store.users.credentials(username);
      // Verify against a dummy hash for unknown users so timing does not reveal who exists.
      const ok = await verifyPassword(password, creds?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      if (!creds || !ok) {
        req.log.info({ audit: 'login.failed', ip: req.ip, userId: creds?.id }, 'login failed');
        throw problems.loginFailed();
      }
      await throttle.succeeded(admission);
      // Only someone who knows the password learns that the account is deactivated.
      if (!creds.active) throw problems.accountDeactivated();
      const user = await app.store.users.getById(creds.id);
      if (!user) throw problems.loginFailed();
      req.log.info({ audit: 'login.succeeded', ip: req.ip, userId: user.id }, 'login');
      return startSession(req, reply, user);
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
        const ended = await app.store.sessions.delete(req.auth.sessionId);
        app.authCache.clear();
        // Open event streams of this session end (here and in other server processes).
        if (ended) app.live.credentialsChanged(ended.userId, 'logout');
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions(req));
      return reply.code(204).send();
    },
  );

  app.post<{ Body: PasswordChangeBody }>(
    '/api/auth/password',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['auth'],
        body: ref('passwordChangeBody'),
        response: { 200: ref('me'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      if (req.auth?.kind !== 'session') throw problems.tokenScope('Sign in to change your password');
      const { currentPassword, newPassword } = req.body;
      // The same throttle as login: this route also tells whether a password is right.
      const admission = await throttle.admit(req.ip, user.username);
      if (!admission.allowed) throw problems.rateLimited(Math.ceil(admission.retryAfterMs / 1000));
      const stored = await app.store.users.passwordHashOf(user.id);
      if (!stored || !(await verifyPassword(currentPassword, stored))) throw problems.currentPasswordWrong();
      await throttle.succeeded(admission);
      assertPasswordPolicy(
        newPassword,
        { username: user.username, displayName: user.displayName },
        '/newPassword',
      );
      await app.store.users.update(user.id, { passwordHash: await hashPassword(newPassword) });
      // Every session (this one too) and token ends; this device gets a fresh session.
      await revokeCredentials(app, user.id, 'password-changed');
      return startSession(req, reply, user);
    },
  );

  app.get(
    '/api/auth/me',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: { tags: ['auth'], response: { 200: ref('me'), ...problemResponses } },
    },
    async (req) => {
      const user = currentUser(req);
      return {
        user: sessionUserDto(user),
        csrfToken: req.auth?.kind === 'session' ? req.auth.csrfToken : null,
        scopes: req.auth?.kind === 'token' ? [...req.auth.scopes] : null,
      };
    },
  );
}
