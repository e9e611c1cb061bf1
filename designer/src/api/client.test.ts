import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './client.js';
import { ApiError } from './problem.js';

// A real HTTP server (not a mocked fetch): the client is exercised over the wire.
let server: Server;
let baseUrl: string;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

function reply(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/api/ok') return reply(res, 200, 'application/json', '{"answer":42}');
      if (path === '/api/empty') return reply(res, 204, 'application/json', '');
      if (path === '/api/form-errors')
        return reply(
          res,
          400,
          'application/problem+json',
          JSON.stringify({
            type: 'about:blank',
            title: 'Invalid form data',
            status: 400,
            code: 'form_invalid',
            detail: '1 error',
            errors: [{ pointer: '/amount', message: 'must be >= 1' }],
          }),
        );
      if (path === '/api/bpmn-issues')
        return reply(
          res,
          400,
          'application/problem+json',
          JSON.stringify({
            title: 'Invalid BPMN',
            status: 400,
            code: 'definition_invalid',
            issues: [{ elementId: 'Gw_1', code: 'no_condition', message: 'flow needs a condition' }],
          }),
        );
      if (path === '/api/expired')
        return reply(
          res,
          401,
          'application/problem+json',
          JSON.stringify({ title: 'Unauthorized', status: 401, code: 'unauthorized' }),
        );
      return reply(res, 502, 'text/html', '<html>bad gateway</html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('ApiClient', () => {
  it('parses JSON answers and builds queries without empty values', async () => {
    // given
    const client = new ApiClient({ baseUrl });
    // when
    const answer = await client.get<{ answer: number }>('/api/ok', { q: '', limit: 5, overdue: undefined });
    // then
    expect(answer).toEqual({ answer: 42 });
    expect(seen.at(-1)?.url).toBe('/api/ok?limit=5');
  });

  it('sends the CSRF token on state-changing requests only', async () => {
    const client = new ApiClient({ baseUrl });
    client.setCsrfToken('tok-1');
    await client.get('/api/ok');
    expect(seen.at(-1)?.headers['x-csrf-token']).toBeUndefined();
    await client.post('/api/ok', { a: 1 });
    expect(seen.at(-1)?.headers['x-csrf-token']).toBe('tok-1');
    expect(seen.at(-1)?.headers['content-type']).toBe('application/json');
    expect(seen.at(-1)?.body).toBe('{"a":1}');
  });

  it('returns undefined for 204 No Content', async () => {
    await expect(new ApiClient({ baseUrl }).post('/api/empty', {})).resolves.toBeUndefined();
  });

  it('raises problem+json form errors with their pointers', async () => {
    const error = await new ApiClient({ baseUrl }).post('/api/form-errors', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const problem = error as ApiError;
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('form_invalid');
    expect(problem.message).toBe('Invalid form data: 1 error');
    expect(problem.errors).toEqual([{ pointer: '/amount', message: 'must be >= 1' }]);
  });

  it('raises BPMN deploy issues with their element ids', async () => {
    const error = (await new ApiClient({ baseUrl })
      .post('/api/bpmn-issues', {})
      .catch((e: unknown) => e)) as ApiError;
    expect(error.issues).toEqual([
      { elementId: 'Gw_1', code: 'no_condition', message: 'flow needs a condition' },
    ]);
  });

  it('turns a non-JSON error page into an ApiError with the status', async () => {
    const error = (await new ApiClient({ baseUrl })
      .get('/api/elsewhere')
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_502');
  });

  it('reports an unreachable server as a network error', async () => {
    const error = (await new ApiClient({ baseUrl: 'http://127.0.0.1:1' })
      .get('/x')
      .catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('network_error');
    expect(error.status).toBe(0);
  });

  it('tells its unauthorized listeners about a 401 answer, and still raises it', async () => {
    const client = new ApiClient({ baseUrl });
    const heard: number[] = [];
    const stop = client.onUnauthorized((problem) => heard.push(problem.status));
    const error = (await client.get('/api/expired').catch((e: unknown) => e)) as ApiError;
    await client.get('/api/elsewhere').catch(() => undefined);
    expect(error.status).toBe(401);
    expect(heard).toEqual([401]);
    stop();
    await client.get('/api/expired').catch(() => undefined);
    expect(heard).toEqual([401]);
  });
});
