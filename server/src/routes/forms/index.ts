import type { FormGetQuery, FormListQuery, FormParams, FormSave } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { currentUser, requireRole, requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import { checkFormSchema } from '../../forms/form-validation.js';
import { TOO_DEEP, tooDeep } from '../../forms/json-depth.js';
import type { FormRecord } from '../../persistence/forms.js';
import { iso } from '../../util/dates.js';
import { problemResponses, ref } from '../shared.js';

function formDto(f: FormRecord) {
  return {
    formId: f.formId,
    version: f.version,
    name: f.name,
    schema: f.schema,
    uiSchema: f.uiSchema,
    ...(f.i18n ? { i18n: f.i18n } : {}),
    updatedAt: iso(f.createdAt),
    createdBy: f.createdBy,
  };
}

/** Forms: JSON Schema + uiSchema, versioned by form id; the schema is checked on save. */
export async function formRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: FormListQuery }>(
    '/api/forms',
    {
      onRequest: requireRole('designer', 'manager', 'staff'),
      config: { scope: 'read' },
      schema: {
        tags: ['forms'],
        querystring: ref('formListQuery'),
        response: { 200: ref('formList'), ...problemResponses },
      },
    },
    async (req) => {
      const { limit = 50, offset = 0, q } = req.query;
      const page = await app.store.forms.listLatest({ q, limit, offset });
      return { items: page.items.map(formDto), total: page.total, limit, offset };
    },
  );

  app.post<{ Body: FormSave }>(
    '/api/forms',
    {
      // A form document is small; a larger body is refused (413 BODY_TOO_LARGE) before it is read.
      bodyLimit: app.config.formBodyLimit,
      onRequest: requireRole('designer'),
      config: { scope: 'deploy' },
      schema: { tags: ['forms'], body: ref('formSave'), response: { 201: ref('form'), ...problemResponses } },
    },
    async (req, reply) => {
      const deepUi = tooDeep(req.body.uiSchema ?? {});
      const deepI18n = tooDeep(req.body.i18n ?? {});
      const errors = [
        ...checkFormSchema(req.body.schema).map((e) => ({ ...e, pointer: `/schema${e.pointer}` })),
        ...(deepUi === null ? [] : [{ pointer: `/uiSchema${deepUi}`, message: TOO_DEEP }]),
        ...(deepI18n === null ? [] : [{ pointer: `/i18n${deepI18n}`, message: TOO_DEEP }]),
      ];
      if (errors.length > 0) throw problems.formSchemaInvalid(errors);
      const saved = await app.store.forms.save({
        formId: req.body.formId,
        name: req.body.name,
        schema: req.body.schema,
        uiSchema: req.body.uiSchema ?? {},
        i18n: req.body.i18n,
        createdBy: currentUser(req).username,
      });
      return reply.code(201).send(formDto(saved));
    },
  );

  app.get<{ Params: FormParams; Querystring: FormGetQuery }>(
    '/api/forms/:formId',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: {
        tags: ['forms'],
        params: ref('formParams'),
        querystring: ref('formGetQuery'),
        response: { 200: ref('form'), ...problemResponses },
      },
    },
    async (req) => {
      const form = await app.store.forms.get(req.params.formId, req.query.version);
      if (!form) throw problems.notFound('Form');
      return formDto(form);
    },
  );
}
