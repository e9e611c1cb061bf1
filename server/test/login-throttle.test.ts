import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/test-app.js';

const WINDOW_MS = 4_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(dialects())('login throttling on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      dialect,
      config: {
        loginRateLimit: { max: 10, timeWindowMs: WINDOW_MS, maxPerAddress: 1000, maxPerAccount: 1000 },
      },
    });
  });
  afterAll(async () => t?.close());

  const attempt = (username: string, password: string, app: FastifyInstance = t.app, headers = {}) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers });

  it('checks at most 10 of 40 parallel wrong passwords and refuses the right one sent inside the burst', async () => {
    // given
    await t.createUser({ username: 'target' });
    // when: 40 wrong passwords at once; the right one as soon as the first refusal shows the burst is counted
    const wrong = Array.from({ length: 40 }, (_, i) => attempt('target', `wrong guess ${i}`));
    await Promise.race(wrong.map((p) => p.then((r) => (r.statusCode === 429 ? r : new Promise(() => {})))));
    const right = await attempt('target', TEST_PASSWORD);
    const codes = (await Promise.all(wrong)).map((r) => r.statusCode);
    // then
    const checked = codes.filter((c) => c === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c === 429).length).toBe(40 - checked);
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe('RATE_LIMITED');
    const retryAfter = Number(right.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    // when the window has passed
    await sleep(retryAfter * 1000 + 200);
    const later = await attempt('target', TEST_PASSWORD);
    // then
    expect(later.statusCode).toBe(200);
  });

  it('shares the count between two server processes on one database', async () => {
    // given
    await t.createUser({ username: 'shared' });
    const other = await t.secondApp({
      loginRateLimit: { max: 10, timeWindowMs: WINDOW_MS, maxPerAddress: 1000, maxPerAccount: 1000 },
    });
    try {
      // when: six failures through each process
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await attempt('shared', `guess ${i}`)).statusCode);
      for (let i = 0; i < 6; i++) codes.push((await attempt('shared', `guess ${i}`, other.app)).statusCode);
      const right = await attempt('shared', TEST_PASSWORD, other.app);
      // then: the second process counted on from the first's failures
      expect(codes).toEqual([...Array(10).fill(401), 429, 429]);
      expect(right.statusCode).toBe(429);
    } finally {
      await other.close();
    }
  });

  it('does not count successful logins, so a person signing in often is never refused', async () => {
    // given
    await t.createUser({ username: 'busy' });
    // when
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await attempt('busy', TEST_PASSWORD)).statusCode);
    codes.push((await attempt('busy', 'one typo')).statusCode);
    // then
    expect(codes).toEqual([...Array(12).fill(200), 401]);
  });
});

describe.each(dialects())('login throttling per address on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      dialect,
      config: {
        trustProxy: true,
        loginRateLimit: { max: 3, timeWindowMs: 60_000, maxPerAddress: 5, maxPerAccount: 1000 },
      },
    });
  });
  afterAll(async () => t?.close());

  const from = (address: string, username: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: 'a wrong password' },
      headers: { 'x-forwarded-for': address },
    });

  it('refuses an address that sprays many usernames', async () => {
    // when
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await from('203.0.113.7', `user${i}`)).statusCode);
    const elsewhere = await from('203.0.113.8', 'user0');
    // then
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(elsewhere.statusCode).toBe(401);
  });

  it('counts each client address apart, as the trusted proxy reports it', async () => {
    // when
    const a = [];
    for (let i = 0; i < 4; i++) a.push((await from('198.51.100.1', 'pat')).statusCode);
    const b = (await from('198.51.100.2', 'pat')).statusCode;
    // then
    expect(a).toEqual([401, 401, 401, 429]);
    expect(b).toBe(401);
  });
});
