import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordWeakness } from '../src/auth/password-policy.js';
import { generatePassword } from '../src/auth/secrets.js';
import { credentialSettingsFromEnv, serverConfig } from '../src/config.js';
import { dialects } from './support/databases.js';
import { readUntil } from './support/sse.js';
import { createTestApp, type Session, type TestApp, TEST_PASSWORD } from './support/test-app.js';

const STRONG = 'violet quarry lantern 42';

const bearer = (token: string): Session => ({
  username: 'token',
  csrfToken: null,
  headers: { authorization: `Bearer ${token}` },
});

describe.each(dialects())('withdrawing credentials on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { maxStreamsPerCredential: 5 } });
    admin = await t.userSession('ada', ['admin']);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => t?.close());

  /** A user with a session and a plain token; an admin also gave them a token that survives changes. */
  async function person(username: string, roles: ('staff' | 'designer')[] = ['staff']) {
    const { id } = await t.createUser({ username, roles });
    const session = await t.login(username);
    const plain = (
      await t.call(session, { method: 'POST', url: '/api/tokens', payload: { name: 'p', scopes: ['read'] } })
    ).json().token as string;
    const kept = (
      await t.call(admin, {
        method: 'POST',
        url: '/api/tokens',
        payload: { name: 'k', scopes: ['read'], userId: id, keepOnCredentialChange: true },
      })
    ).json().token as string;
    return { id, session, plain: bearer(plain), kept: bearer(kept) };
  }
  const status = async (who: Session) =>
    (await t.call(who, { method: 'GET', url: '/api/auth/me' })).statusCode;
  const patch = (id: string, payload: Record<string, unknown>) =>
    t.call(admin, { method: 'PATCH', url: `/api/users/${id}`, payload });

  it("ends a user's sessions and tokens when an admin resets the password, keeping the protected token", async () => {
    // given
    const p = await person('pat');
    expect([await status(p.session), await status(p.plain), await status(p.kept)]).toEqual([200, 200, 200]);
    // when
    const reset = await patch(p.id, { password: STRONG });
    // then
    expect(reset.statusCode).toBe(200);
    expect([await status(p.session), await status(p.plain), await status(p.kept)]).toEqual([401, 401, 200]);
    await expect(t.login('pat')).rejects.toThrow(/401/);
    expect((await t.login('pat', STRONG)).csrfToken).toEqual(expect.any(String));
  });

  it('ends sessions and plain tokens when the roles change, and not when only the name does', async () => {
    // given
    const p = await person('rory');
    // when
    await patch(p.id, { displayName: 'Rory R.' });
    const afterRename = [await status(p.session), await status(p.plain)];
    await patch(p.id, { roles: ['staff', 'designer'] });
    // then
    expect(afterRename).toEqual([200, 200]);
    expect([await status(p.session), await status(p.plain), await status(p.kept)]).toEqual([401, 401, 200]);
  });

  it('deactivation ends everything and blocks login until an admin reactivates the account', async () => {
    // given
    const p = await person('dora');
    // when
    const off = await patch(p.id, { active: false });
    const rightPassword = await t.call(null, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'dora', password: TEST_PASSWORD },
    });
    const wrongPassword = await t.call(null, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'dora', password: 'not her password at all' },
    });
    // then
    expect(off.json()).toMatchObject({ username: 'dora', active: false });
    expect([await status(p.session), await status(p.plain), await status(p.kept)]).toEqual([401, 401, 401]);
    expect(rightPassword.statusCode).toBe(403);
    expect(rightPassword.json().code).toBe('ACCOUNT_DEACTIVATED');
    expect(wrongPassword.statusCode).toBe(401);
    // when reactivated
    const on = await patch(p.id, { active: true });
    // then
    expect(on.json().active).toBe(true);
    expect(await status(await t.login('dora'))).toBe(200);
    expect(await status(p.kept)).toBe(401);
  });

  it('refuses an admin deactivating their own account', async () => {
    const me = (await t.call(admin, { method: 'GET', url: '/api/auth/me' })).json().user.id;
    const res = await patch(me, { active: false });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CANNOT_DEACTIVATE_SELF');
  });

  it('deletion keeps the row, ends every credential, and the username can never be taken again', async () => {
    // given
    const p = await person('gil');
    // when
    const deleted = await t.call(admin, { method: 'DELETE', url: `/api/users/${p.id}` });
    const again = await t.call(admin, {
      method: 'POST',
      url: '/api/users',
      payload: { username: 'gil', password: STRONG },
    });
    // then
    expect(deleted.statusCode).toBe(204);
    expect([await status(p.session), await status(p.plain), await status(p.kept)]).toEqual([401, 401, 401]);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('USERNAME_TAKEN');
    expect(again.json().detail).toContain('was used by a deleted account');
    const listed = await t.call(admin, { method: 'GET', url: '/api/users?q=gil' });
    expect(listed.json().items).toEqual([]);
    await expect(t.createUser({ username: 'gil' })).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
  });

  it('lets a user change their own password: every other session and token ends, this device stays in', async () => {
    // given
    const p = await person('cleo');
    const other = await t.login('cleo');
    // when
    const wrong = await t.call(p.session, {
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: 'not the password', newPassword: STRONG },
    });
    const changed = await t.call(p.session, {
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: TEST_PASSWORD, newPassword: STRONG },
    });
    // then
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('CURRENT_PASSWORD_WRONG');
    expect(changed.statusCode).toBe(200);
    const cookie = changed.cookies.find((c) => c.name === 'baton_session')?.value;
    const fresh: Session = {
      username: 'cleo',
      csrfToken: changed.json().csrfToken,
      headers: { cookie: `baton_session=${cookie}`, 'x-csrf-token': changed.json().csrfToken },
    };
    expect([await status(p.session), await status(other), await status(p.plain)]).toEqual([401, 401, 401]);
    expect([await status(fresh), await status(p.kept)]).toEqual([200, 200]);
  });

  describe('event streams', () => {
    const open = async (s: Session) => {
      const res = await fetch(`${base}/api/events`, { headers: s.headers });
      return { status: res.status, res, reader: res.status === 200 ? res.body?.getReader() : undefined };
    };

    it('end when their session logs out', async () => {
      // given
      const { session } = await person('lou');
      const stream = await open(session);
      expect(await readUntil(stream.reader!, 'connected', 3000)).toContain('connected');
      // when
      await t.call(session, { method: 'POST', url: '/api/auth/logout' });
      // then
      const rest = await readUntil(stream.reader!, 'event: end', 5000);
      expect(rest).toContain('event: end');
      expect((await stream.reader!.read()).done).toBe(true);
    });

    it("end when the user's password changes, the stream of a token too", async () => {
      // given
      const p = await person('mo');
      const bySession = await open(p.session);
      const byToken = await open(p.plain);
      await readUntil(bySession.reader!, 'connected', 3000);
      await readUntil(byToken.reader!, 'connected', 3000);
      // when
      await patch(p.id, { password: STRONG });
      // then
      expect(await readUntil(bySession.reader!, 'event: end', 5000)).toContain('event: end');
      expect(await readUntil(byToken.reader!, 'event: end', 5000)).toContain('event: end');
    });

    it('end when the user joins or leaves a group, while the session and token stay valid', async () => {
      // given a stream opened while she was in no group, and a group she is not in
      const p = await person('gwen');
      const created = await t.call(admin, {
        method: 'POST',
        url: '/api/groups',
        payload: { name: 'night-shift' },
      });
      expect(created.statusCode).toBe(201);
      const first = await open(p.session);
      await readUntil(first.reader!, 'connected', 3000);
      // when an admin adds her to the group
      const added = await t.call(admin, {
        method: 'PUT',
        url: '/api/groups/night-shift/members',
        payload: { usernames: ['gwen'] },
      });
      expect(added.statusCode).toBe(200);
      // then the stream that filtered by her old groups ends, and she reconnects with the new ones
      expect(await readUntil(first.reader!, 'event: end', 5000)).toContain('event: end');
      expect([await status(p.session), await status(p.plain)]).toEqual([200, 200]);
      const me = await t.call(p.session, { method: 'GET', url: '/api/auth/me' });
      expect(me.json().user.groups).toContain('night-shift');
      const second = await open(p.plain);
      await readUntil(second.reader!, 'connected', 3000);
      // when she leaves it by a change of her own groups
      expect((await patch(p.id, { groups: [] })).statusCode).toBe(200);
      // then that stream ends too
      expect(await readUntil(second.reader!, 'event: end', 5000)).toContain('event: end');
      expect((await t.call(p.session, { method: 'GET', url: '/api/auth/me' })).json().user.groups).toEqual(
        [],
      );
    });

    it('refuse a sixth stream on one session with 429, and take one again once a stream closes', async () => {
      // given
      const { session } = await person('max');
      const five = [];
      for (let i = 0; i < 5; i++) {
        const s = await open(session);
        await readUntil(s.reader!, 'connected', 3000);
        five.push(s);
      }
      // when
      const sixth = await open(session);
      // then
      expect(five.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
      expect(sixth.status).toBe(429);
      expect(sixth.res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await sixth.res.json()) as { code: string }).code).toBe('TOO_MANY_STREAMS');
      // when one closes
      await five[0]!.reader!.cancel();
      let again = 429;
      for (let i = 0; i < 20 && again === 429; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const s = await open(session);
        again = s.status;
        await (s.reader ? s.reader.cancel() : s.res.text());
      }
      expect(again).toBe(200);
      for (const s of five.slice(1)) await s.reader!.cancel();
    });
  });

  it('logs who did what to which credential, and never a secret', async () => {
    // given a second app whose log we read
    const lines: string[] = [];
    const other = await t.secondApp(undefined, {
      level: 'info',
      stream: { write: (line: string) => void lines.push(line) },
    });
    try {
      const { id } = await t.createUser({ username: 'lola', roles: ['staff'] });
      const call = (opts: InjectOptions, headers: Record<string, string> = {}) =>
        other.app.inject({ ...opts, headers });
      // when
      await call({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'lola', password: 'typo typo typo' },
      });
      const login = await call({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'lola', password: TEST_PASSWORD },
      });
      const cookie = login.cookies.find((c) => c.name === 'baton_session')?.value ?? '';
      const csrf = login.json().csrfToken as string;
      const headers = { cookie: `baton_session=${cookie}`, 'x-csrf-token': csrf };
      const token = (
        await call({ method: 'POST', url: '/api/tokens', payload: { name: 'l', scopes: ['read'] } }, headers)
      ).json().token as string;
      const adminLogin = await other.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'ada', password: TEST_PASSWORD },
      });
      await other.app.inject({
        method: 'PATCH',
        url: `/api/users/${id}`,
        payload: { password: STRONG },
        headers: {
          cookie: `baton_session=${adminLogin.cookies.find((c) => c.name === 'baton_session')?.value}`,
          'x-csrf-token': adminLogin.json().csrfToken,
        },
      });
      // then
      const audit = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit);
      expect(audit.map((l) => l.audit)).toEqual(
        expect.arrayContaining(['login.failed', 'login.succeeded', 'token.created', 'credentials.revoked']),
      );
      expect(audit.find((l) => l.audit === 'credentials.revoked')).toMatchObject({
        userId: id,
        reason: 'password-reset',
        sessions: 1,
        tokens: 1,
      });
      const all = lines.join('\n');
      for (const secret of [TEST_PASSWORD, STRONG, 'typo typo typo', token, cookie, csrf])
        expect(all).not.toContain(secret);
    } finally {
      await other.close();
    }
  });

  it.runIf(dialect === 'postgres')(
    'on postgres, another server process refuses a revoked session at once, not after its cache expires',
    async () => {
      // given a second process that has just resolved (and cached) the session
      const other = await t.secondApp();
      try {
        const p = await person('ivy');
        const there = () =>
          other.app.inject({ method: 'GET', url: '/api/auth/me', headers: p.session.headers });
        expect((await there()).statusCode).toBe(200);
        // when
        await patch(p.id, { password: STRONG });
        // then: well before the 5 s cache TTL
        const started = Date.now();
        let code = 200;
        while (code === 200 && Date.now() - started < 2000) {
          await new Promise((r) => setTimeout(r, 50));
          code = (await there()).statusCode;
        }
        expect(code).toBe(401);
      } finally {
        await other.close();
      }
    },
  );
});

describe.each(dialects())('password policy on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    admin = await t.userSession('ada', ['admin']);
  });
  afterAll(async () => t?.close());

  it.each([
    ['a short one', 'Xq7#pL2'],
    ['a common one', 'password'],
    ['a long common one', 'password1234'],
    ['a keyboard walk', 'qwertyuiop'],
    ['the username repeated', 'newbienewbie'],
  ])('refuses %s on user creation with PASSWORD_TOO_WEAK', async (_what, password) => {
    // when
    const res = await t.call(admin, {
      method: 'POST',
      url: '/api/users',
      payload: { username: 'newbie', password },
    });
    // then
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'PASSWORD_TOO_WEAK', errors: [{ pointer: '/password' }] });
  });

  it('passes the passwords generated for first-start and demo accounts', () => {
    // given
    const generated = Array.from({ length: 50 }, () => generatePassword());
    // then
    expect(generated.filter((p) => passwordWeakness(p) !== null)).toEqual([]);
    expect(passwordWeakness('correct horse battery')).toBeNull();
    expect(passwordWeakness('Password123!')).not.toBeNull();
  });

  it('accepts a strong password on creation, and refuses a weak one on reset and on change', async () => {
    // given
    const created = await t.call(admin, {
      method: 'POST',
      url: '/api/users',
      payload: { username: 'nell', password: STRONG },
    });
    const nell = await t.login('nell', STRONG);
    // when
    const reset = await t.call(admin, {
      method: 'PATCH',
      url: `/api/users/${created.json().id}`,
      payload: { password: 'Password123!' },
    });
    const change = await t.call(nell, {
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: STRONG, newPassword: 'iloveyou' },
    });
    // then
    expect(created.statusCode).toBe(201);
    expect(reset.statusCode).toBe(400);
    expect(reset.json().code).toBe('PASSWORD_TOO_WEAK');
    expect(change.statusCode).toBe(400);
    expect(change.json()).toMatchObject({ code: 'PASSWORD_TOO_WEAK', errors: [{ pointer: '/newPassword' }] });
    expect((await t.call(nell, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
  });
});

describe.each(dialects())('the session cookie on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { trustProxy: true } });
    await t.createUser({ username: 'sam', roles: ['staff'] });
  });
  afterAll(async () => t?.close());

  const login = (app = t.app, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'sam', password: TEST_PASSWORD },
      headers,
    });
  const cookieOf = (res: Awaited<ReturnType<typeof login>>) =>
    res.cookies.find((c) => c.name === 'baton_session');

  it('is Secure when the request came over https through a trusted proxy, and not over plain http', async () => {
    // when
    const https = await login(t.app, { 'x-forwarded-proto': 'https' });
    const http = await login(t.app);
    // then
    expect(https.statusCode).toBe(200);
    expect(cookieOf(https)?.secure).toBe(true);
    expect(cookieOf(http)?.secure).toBeFalsy();
  });

  it('ignores x-forwarded-proto when no proxy is trusted', async () => {
    // given
    const other = await t.secondApp({ trustProxy: false });
    try {
      // when
      const res = await login(other.app, { 'x-forwarded-proto': 'https' });
      // then
      expect(cookieOf(res)?.secure).toBeFalsy();
    } finally {
      await other.close();
    }
  });

  it('is always Secure under NODE_ENV=production', async () => {
    // given the settings the server reads from its environment
    const settings = credentialSettingsFromEnv({ NODE_ENV: 'production' });
    const other = await t.secondApp({ ...settings, trustProxy: false });
    try {
      // when
      const res = await login(other.app);
      // then
      expect(settings.secureCookies).toBe(true);
      expect(cookieOf(res)?.secure).toBe(true);
      expect(credentialSettingsFromEnv({ NODE_ENV: 'development' }).secureCookies).toBe(false);
      expect(credentialSettingsFromEnv({ BATON_SECURE_COOKIES: '1' }).secureCookies).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('reads the trusted proxies from BATON_TRUST_PROXY', () => {
    expect(credentialSettingsFromEnv({}).trustProxy).toBeUndefined();
    expect(credentialSettingsFromEnv({ BATON_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(credentialSettingsFromEnv({ BATON_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(serverConfig().trustProxy).toBe(false);
  });
});
