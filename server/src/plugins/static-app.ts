import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problems } from '../errors.js';
import { sendProblem } from './errors.js';

const API_PREFIXES = ['/api/', '/docs', '/health', '/ready', '/metrics'];

/** Vite's fingerprinted output: a file under `/assets/` never changes under the same name. */
const HASHED_ASSETS = /[/\\]assets[/\\]/;

/**
 * Cache headers of the build: fingerprinted assets for a year (`immutable`: not even revalidated),
 * everything else (index.html, the favicon) revalidated on every load, so a new deploy shows at once.
 */
export function cacheControlFor(filePath: string): string {
  return HASHED_ASSETS.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Serves the web app's build at `/`; unknown non-API GETs that want HTML get `index.html` (client
 * routing). Answers are compressed (brotli or gzip, as the client accepts; JSON answers of the API
 * too, the event stream never: @fastify/compress leaves `text/event-stream` alone).
 */
export async function registerStaticApp(app: FastifyInstance, root: string | null) {
  await app.register(compress, { global: true, threshold: 1024 });
  if (root)
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
      setHeaders: (res, filePath) => res.header('cache-control', cacheControlFor(filePath)),
    });
  return (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '';
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    if (root && req.method === 'GET' && wantsHtml && !API_PREFIXES.some((p) => path.startsWith(p))) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    return sendProblem(reply, problems.routeNotFound(req.method, path));
  };
}
