import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe.each(dialects())('auth on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { loginRateLimit: { max: 8, timeWindowMs: 60_000 } } });
    await t.createUser({ username: 'sam', roles: ['staff'], groups: ['staff'] });
  });
  afterAll(async () => t?.close());

  it('logs in and sets an HttpOnly SameSite=Lax session cookie', async () => {
    // when
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'sam', password: 'correct horse battery' },
    });
    // then
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'baton_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.path).toBe('/');
    expect(res.json().user).toMatchObject({ username: 'sam', roles: ['staff'], groups: ['staff'] });
    expect(res.json().csrfToken).toEqual(expect.any(String));
  });

  it('rejects a wrong password with 401 LOGIN_FAILED as problem+json', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'sam', password: 'nope' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 401, code: 'LOGIN_FAILED' });
  });

  it('tells who is signed in and refuses anonymous callers', async () => {
    // given
    const sam = await t.login('sam');
    // when
    const me = await t.call(sam, { method: 'GET', url: '/api/auth/me' });
    const anonymous = await t.call(null, { method: 'GET', url: '/api/auth/me' });
    // then
    expect(me.json()).toMatchObject({ user: { username: 'sam' }, csrfToken: sam.csrfToken });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('UNAUTHENTICATED');
  });

  it('demands the CSRF header on unsafe requests made with the cookie', async () => {
    // given
    const sam = await t.login('sam');
    const cookieOnly = { ...sam, headers: { cookie: sam.headers.cookie ?? '' } };
    // when
    const payload = { name: 'x', scopes: ['read'] };
    const without = await t.call(cookieOnly, { method: 'POST', url: '/api/tokens', payload });
    const wrong = await t.call(cookieOnly, {
      method: 'POST',
      url: '/api/tokens',
      payload,
      headers: { 'x-csrf-token': 'forged' },
    });
    const right = await t.call(sam, { method: 'POST', url: '/api/tokens', payload });
    // then
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('CSRF_INVALID');
    expect(wrong.statusCode).toBe(403);
    expect(right.statusCode).toBe(201);
  });

  it('ends the session on logout', async () => {
    // given
    const sam = await t.login('sam');
    // when
    const out = await t.call(sam, { method: 'POST', url: '/api/auth/logout' });
    const after = await t.call(sam, { method: 'GET', url: '/api/auth/me' });
    // then
    expect(out.statusCode).toBe(204);
    expect(after.statusCode).toBe(401);
  });

  it('accepts a bearer API token without CSRF, shows the secret once and stores only its hash', async () => {
    // given
    const sam = await t.login('sam');
    const created = await t.call(sam, {
      method: 'POST',
      url: '/api/tokens',
      payload: { name: 'worker', scopes: ['read', 'tasks'] },
    });
    const token = created.json().token as string;
    // when
    const me = await t.call(null, {
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    const list = await t.call(sam, { method: 'GET', url: '/api/tokens' });
    // then
    expect(me.json().user.username).toBe('sam');
    expect(me.json().scopes).toEqual(['read', 'tasks']);
    expect(JSON.stringify(list.json())).not.toContain(token);
  });

  it('refuses the tokens of a deleted user', async () => {
    // given
    await t.createUser({ username: 'gone', roles: ['staff'] });
    const gone = await t.login('gone');
    const token = (
      await t.call(gone, { method: 'POST', url: '/api/tokens', payload: { name: 'w', scopes: ['read'] } })
    ).json().token;
    await t.createUser({ username: 'root', roles: ['admin'] });
    const root = await t.login('root');
    const users = (await t.call(root, { method: 'GET', url: '/api/users?q=gone' })).json().items;
    // when
    const del = await t.call(root, { method: 'DELETE', url: `/api/users/${users[0].id}` });
    const me = await t.call(null, {
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    // then
    expect(del.statusCode).toBe(204);
    expect(me.statusCode).toBe(401);
  });

  it('never counts successful logins against the limit', async () => {
    // given
    await t.createUser({ username: 'busy' });
    // when: more good logins than the limit allows failures
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(
        await t
          .login('busy')
          .then(() => 200)
          .catch(() => 0),
      );
    // then
    expect(codes.every((c) => c === 200)).toBe(true);
  });

  it('throttles repeated failures for one username with 429 and Retry-After, the right password too', async () => {
    // given
    await t.createUser({ username: 'victim' });
    const attempt = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'victim', password } });
    // when
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await attempt(`guess-${i}`)).statusCode);
    const right = await attempt('correct horse battery');
    const otherUser = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'sam', password: 'correct horse battery' },
    });
    // then
    expect(codes.every((c) => c === 401)).toBe(true);
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe('RATE_LIMITED');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(otherUser.statusCode).toBe(200);
  });

  it('throttles repeated logins for one username with 429', async () => {
    // given
    await t.createUser({ username: 'target' });
    const attempt = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'target', password: 'guess' },
      });
    // when
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await attempt()).statusCode);
    // then
    expect(codes.slice(0, 8).every((c) => c === 401)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });
});
