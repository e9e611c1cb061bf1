import type { IdParams, MailSettingsBody } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { currentUser, requireRole, requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import type { MailSettingsRecord } from '../../persistence/mail.js';
import { problemResponses, ref } from '../shared.js';

/**
 * Mail settings: each person sets their own (`/api/mail-settings`), admins anyone's
 * (`/api/users/:id/mail-settings`). Changing them takes a session (or an admin token): an address
 * decides where notifications and reply rights go, so a token with only `read`/`tasks` may not.
 */
export async function mailSettingsRoutes(app: FastifyInstance): Promise<void> {
  const dto = (s: MailSettingsRecord) => ({
    email: s.email,
    mail: s.mode,
    language: s.language,
    available: app.config.mail !== undefined,
  });

  /** The body as stored; mail to no address is a 400 naming the field. */
  function checked(body: MailSettingsBody): MailSettingsRecord {
    const email = body.email?.trim() || null;
    if (body.mail !== 'off' && email === null)
      throw problems.badRequest(
        'MAIL_ADDRESS_REQUIRED',
        'Give an e-mail address to receive notifications by mail',
        [{ pointer: '/email', message: 'required when mail is not off' }],
      );
    return { email, mode: body.mail, language: body.language ?? null };
  }

  async function userOr404(id: string): Promise<string> {
    const user = await app.store.users.getById(id);
    if (!user) throw problems.notFound('User');
    return user.id;
  }

  const schema = { tags: ['notifications'] };
  const answer = { 200: ref('mailSettings'), ...problemResponses };

  app.get(
    '/api/mail-settings',
    { onRequest: requireUser(), config: { scope: 'read' }, schema: { ...schema, response: answer } },
    async (req) => dto(await app.store.mail.settings(currentUser(req).id)),
  );

  app.put<{ Body: MailSettingsBody }>(
    '/api/mail-settings',
    { onRequest: requireUser(), schema: { ...schema, body: ref('mailSettingsBody'), response: answer } },
    async (req) => dto(await app.store.mail.setSettings(currentUser(req).id, checked(req.body))),
  );

  app.get<{ Params: IdParams }>(
    '/api/users/:id/mail-settings',
    {
      onRequest: requireRole('admin'),
      config: { scope: 'admin' },
      schema: { ...schema, params: ref('idParams'), response: answer },
    },
    async (req) => dto(await app.store.mail.settings(await userOr404(req.params.id))),
  );

  app.put<{ Params: IdParams; Body: MailSettingsBody }>(
    '/api/users/:id/mail-settings',
    {
      onRequest: requireRole('admin'),
      config: { scope: 'admin' },
      schema: { ...schema, params: ref('idParams'), body: ref('mailSettingsBody'), response: answer },
    },
    async (req) => {
      const body = checked(req.body);
      return dto(await app.store.mail.setSettings(await userOr404(req.params.id), body));
    },
  );
}
