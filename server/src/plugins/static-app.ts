import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problems } from '../errors.js';
import { sendProblem } from './errors.js';

const API_PREFIXES = ['/api/', '/docs', '/health', '/ready', '/metrics'];

/** Serves the web app's build at `/`; unknown non-API GETs that want HTML get `index.html` (client routing). */
export async function registerStaticApp(app: FastifyInstance, root: string | null) {
  if (root) await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'] });
  return (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '';
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    if (root && req.method === 'GET' && wantsHtml && !API_PREFIXES.some((p) => path.startsWith(p))) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    return sendProblem(reply, problems.routeNotFound(req.method, path));
  };
}
