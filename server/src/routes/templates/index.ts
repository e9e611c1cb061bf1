import { randomBytes } from 'node:crypto';
import type { TemplateParams } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { requireRole, requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import type { TemplateBundle } from '../../setup/templates.js';
import { pageOf, problemResponses, ref } from '../shared.js';

declare module 'fastify' {
  interface FastifyInstance {
    templates: readonly TemplateBundle[];
  }
}

const PROCESS_ID = /<(?:[\w-]+:)?process\b[^>]*?\bid="([^"]+)"/;

/** The same BPMN with its (first) process id replaced everywhere it is referenced. */
export function copyWithNewProcessId(xml: string): { processId: string; xml: string } {
  const oldId = PROCESS_ID.exec(xml)?.[1];
  if (!oldId) throw problems.conflict('TEMPLATE_BROKEN', 'The template has no process');
  const processId = `${oldId}_copy_${randomBytes(3).toString('hex')}`;
  const quoted = new RegExp(`"${oldId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'g');
  return { processId, xml: xml.replace(quoted, `"${processId}"`) };
}

/** The built-in templates: gallery, details and "copy into an editable draft". */
export async function templateRoutes(app: FastifyInstance): Promise<void> {
  const find = (id: string): TemplateBundle => {
    const t = app.templates.find((x) => x.manifest.id === id);
    if (!t) throw problems.notFound('Template');
    return t;
  };

  app.get(
    '/api/templates',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: { tags: ['templates'], response: { 200: ref('templateList'), ...problemResponses } },
    },
    async () => {
      const items = app.templates.map((t) => ({ ...t.manifest, id: t.manifest.id }));
      return pageOf(items, items.length, 0);
    },
  );

  app.get<{ Params: TemplateParams }>(
    '/api/templates/:id',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: {
        tags: ['templates'],
        params: ref('templateParams'),
        response: { 200: ref('template'), ...problemResponses },
      },
    },
    async (req) => {
      const t = find(req.params.id);
      return { ...t.manifest, id: t.manifest.id, xml: t.xml, forms: t.forms.map((f) => ({ ...f })) };
    },
  );

  app.post<{ Params: TemplateParams }>(
    '/api/templates/:id/copy',
    {
      onRequest: requireRole('designer'),
      config: { scope: 'deploy' },
      schema: {
        tags: ['templates'],
        params: ref('templateParams'),
        response: { 200: ref('templateCopy'), ...problemResponses },
      },
    },
    async (req) => copyWithNewProcessId(find(req.params.id).xml),
  );
}
