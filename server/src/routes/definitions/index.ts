import type { DeployOptions } from '@baton/engine';
import type { DeployBody, DefinitionListQuery, IdParams, ProcessParams } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { currentUser, requireRole, requireUser } from '../../auth/permissions.js';
import { assertManages, startableBy } from '../../auth/process-scope.js';
import { problems } from '../../errors.js';
import { definitionDto } from '../dto.js';
import { pageOf, problemResponses, ref } from '../shared.js';
import { embeddedFormIssues, saveEmbeddedForms } from './embedded-forms.js';
import { formReferences, missingFormIssues } from './form-references.js';
import { illegalCharacterIssues } from './xml-characters.js';

/** Process definitions: deploy BPMN (raw XML or `{ xml }`), validate, list versions, read XML. */
export async function definitionRoutes(app: FastifyInstance): Promise<void> {
  const limit = app.config.deployBodyLimit;
  // BPMN arrives as raw XML too; it is wrapped so one body schema serves both content types.
  app.addContentTypeParser(
    ['application/xml', 'text/xml'],
    { parseAs: 'string', bodyLimit: limit },
    (_req, body, done) => done(null, { xml: body }),
  );

  const deployOptions = (username: string, xml: string): DeployOptions => ({
    actor: username,
    extraChecks: async (processes) => {
      // Embedded Camunda Forms are checked here and saved when the file has no other problem.
      const embedded = processes.flatMap((p) => p.embeddedForms ?? []);
      const embeddedIds = new Set(embedded.map((f) => f.formId));
      const linked = processes.map((p) => ({
        ...p,
        formIds: p.formIds.filter((id) => !embeddedIds.has(id)),
      }));
      const existing = await app.store.forms.existing(linked.flatMap((p) => p.formIds));
      const issues = [...embeddedFormIssues(embedded), ...missingFormIssues(xml, linked, existing)];
      if (issues.length === 0) await saveEmbeddedForms(app, embedded, username);
      return issues;
    },
  });

  app.post<{ Body: DeployBody }>(
    '/api/definitions',
    {
      bodyLimit: limit,
      onRequest: requireRole('designer'),
      config: { scope: 'deploy' },
      schema: {
        tags: ['definitions'],
        body: ref('deployBody'),
        response: { 200: ref('deployResult'), 201: ref('deployResult'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const illegal = illegalCharacterIssues(req.body.xml);
      if (illegal.length > 0) throw problems.deployInvalid(illegal);
      const result = await app.engine.deploy(
        req.body.xml,
        deployOptions(currentUser(req).username, req.body.xml),
      );
      const definitions = result.definitions.map((d) => ({ ...definitionDto(d), isNew: d.isNew }));
      return reply
        .code(definitions.some((d) => d.isNew) ? 201 : 200)
        .send({ definitions, warnings: [...result.warnings] });
    },
  );

  app.post<{ Body: DeployBody }>(
    '/api/definitions/validate',
    {
      bodyLimit: limit,
      onRequest: requireRole('designer'),
      config: { scope: 'deploy' },
      schema: {
        tags: ['definitions'],
        body: ref('deployBody'),
        response: { 200: ref('validateResult'), ...problemResponses },
      },
    },
    async (req) => {
      const illegal = illegalCharacterIssues(req.body.xml);
      if (illegal.length > 0) return { issues: illegal };
      const found = await app.engine.validate(req.body.xml, {
        extraChecks: async (processes) => embeddedFormIssues(processes.flatMap((p) => p.embeddedForms ?? [])),
      });
      const issues = found.filter((i) => i.severity !== 'warning');
      const warnings = found.filter((i) => i.severity === 'warning');
      const refs = formReferences(req.body.xml);
      const existing = await app.store.forms.existing([...refs.values()].flat());
      for (const [elementId, formIds] of refs) {
        for (const formId of formIds.filter((f) => !existing.has(f))) {
          issues.push({
            elementId,
            code: 'FORM_NOT_FOUND',
            message: `No form '${formId}' exists; save it before deploying`,
          });
        }
      }
      return { issues, warnings };
    },
  );

  app.get<{ Querystring: DefinitionListQuery }>(
    '/api/definitions',
    {
      onRequest: requireRole('designer', 'manager'),
      config: { scope: 'read' },
      schema: {
        tags: ['definitions'],
        querystring: ref('definitionListQuery'),
        response: { 200: ref('definitionList'), ...problemResponses },
      },
    },
    async (req) => {
      const { processId, limit = 50, offset = 0 } = req.query;
      const all = await app.engine.listDefinitions(processId ? { processId } : {});
      const sorted = [...all].sort((a, b) => a.processId.localeCompare(b.processId) || b.version - a.version);
      return pageOf(sorted.map(definitionDto), limit, offset);
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/definitions/:id',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: {
        tags: ['definitions'],
        params: ref('idParams'),
        response: { 200: ref('definitionDetail'), ...problemResponses },
      },
    },
    async (req) => {
      const d = await app.engine.getDefinition(req.params.id);
      return { ...definitionDto(d), xml: d.xml, startFormId: await app.engine.startFormId(d.id) };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/definitions/:id/xml',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: {
        tags: ['definitions'],
        params: ref('idParams'),
        response: { 200: { type: 'string', description: 'BPMN 2.0 XML' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const d = await app.engine.getDefinition(req.params.id);
      return reply.type('application/xml; charset=utf-8').send(d.xml);
    },
  );

  app.get(
    '/api/processes',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: { tags: ['definitions'], response: { 200: ref('processList'), ...problemResponses } },
    },
    async (req) => {
      const [latest, startable] = await Promise.all([
        app.engine.listDefinitions({ latestOnly: true }),
        startableBy(app, currentUser(req)),
      ]);
      const items = await Promise.all(
        [...latest]
          .sort((a, b) => a.processId.localeCompare(b.processId))
          .map(async (d) => ({
            processId: d.processId,
            name: d.name,
            version: d.version,
            definitionId: d.id,
            startFormId: await app.engine.startFormId(d.id),
            startable: startable(d.processId),
          })),
      );
      return pageOf(items, items.length, 0);
    },
  );

  // The open gatherings of the process's parallel multiple start events (every trigger needed):
  // for whoever may list the definitions. An unknown process is a 404.
  app.get<{ Params: ProcessParams }>(
    '/api/processes/:processId/start-gatherings',
    {
      onRequest: requireRole('designer', 'manager'),
      config: { scope: 'read' },
      schema: {
        tags: ['definitions'],
        params: ref('processParams'),
        response: { 200: ref('startGatheringList'), ...problemResponses },
      },
    },
    async (req) => ({ items: await app.engine.listStartGatherings({ processId: req.params.processId }) }),
  );

  app.get<{ Params: ProcessParams }>(
    '/api/processes/:processId/kpis',
    {
      onRequest: requireRole('manager'),
      config: { scope: 'read' },
      schema: {
        tags: ['definitions'],
        params: ref('processParams'),
        response: { 200: ref('kpiSummary'), ...problemResponses },
      },
    },
    async (req) => {
      await app.engine.getLatestDefinition(req.params.processId);
      await assertManages(app, currentUser(req), req.params.processId);
      const k = await app.engine.kpis(req.params.processId);
      return {
        ...k,
        workload: k.workload.map((w) => ({ ...w })),
        timePerElement: { ...k.timePerElement },
      };
    },
  );
}
