import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('serving the web app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-static-'));
  let t: TestApp;
  beforeAll(async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Baton</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'assets', 'index-3f9a1c.js'),
      `export const big = ${JSON.stringify('x'.repeat(8000))};`,
    );
    t = await createTestApp({ config: { staticDir: dir } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the build at / with a strict content security policy', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>Baton</title>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('serves assets and falls back to index.html for client routes', async () => {
    const asset = await t.app.inject({ method: 'GET', url: '/app.js' });
    const route = await t.app.inject({ method: 'GET', url: '/tasks/123', headers: { accept: 'text/html' } });
    expect(asset.body).toBe('console.log(1)');
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('<title>Baton</title>');
  });

  it('caches fingerprinted assets for good and makes index.html revalidate', async () => {
    const hashed = await t.app.inject({ method: 'GET', url: '/assets/index-3f9a1c.js' });
    const index = await t.app.inject({ method: 'GET', url: '/' });
    const route = await t.app.inject({ method: 'GET', url: '/inbox', headers: { accept: 'text/html' } });
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(route.headers['cache-control']).toBe('no-cache');
  });

  it('compresses what the client accepts compressed', async () => {
    const brotli = await t.app.inject({
      method: 'GET',
      url: '/assets/index-3f9a1c.js',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    const gzip = await t.app.inject({
      method: 'GET',
      url: '/assets/index-3f9a1c.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    const plain = await t.app.inject({ method: 'GET', url: '/assets/index-3f9a1c.js' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.rawPayload.length).toBeLessThan(plain.rawPayload.length / 10);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toContain('export const big');
  });

  it('keeps unknown API routes a 404 problem even when they accept HTML', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nope', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('when the database is gone', () => {
  it('answers 503 STORE_UNAVAILABLE with Retry-After from every layer, never a 500', async () => {
    // given
    const t = await createTestApp();
    const sam = await t.userSession('sam', ['staff'], ['staff']);
    await t.call(sam, { method: 'GET', url: '/api/forms' });
    // when: the database closes under the running app
    await t.closeDatabase();
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    const forms = await t.call(sam, { method: 'GET', url: '/api/forms' });
    const instances = await t.call(sam, { method: 'GET', url: '/api/instances' });
    // then: the server's own queries, the readiness probe and the engine answer alike
    for (const res of [ready, forms, instances]) {
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().code).toBe('STORE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('2');
    }
    await t.close();
  });
});
