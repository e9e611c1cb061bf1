import type { FastifyInstance } from 'fastify';
import { startInbound } from './inbound.js';
import { MailSender, smtpTransport } from './mail-sender.js';

/** Mail running beside a server: the outbox sender and, when asked, the inbound reply listener. */
export interface RunningMail {
  stop(): Promise<void>;
}

/**
 * Starts what `app.config.mail` asks for (nothing when mail is off): every server process sends
 * (the outbox is claimed row by row, so several may); replies are received where
 * `BATON_SMTP_INBOUND_PORT` is set. Call after the app is ready; `stop` before closing it.
 */
export async function startMail(app: FastifyInstance): Promise<RunningMail> {
  const settings = app.config.mail;
  if (!settings) return { stop: async () => {} };
  const transport = smtpTransport(settings.smtpUrl);
  const sender = new MailSender({
    store: app.store,
    transport,
    settings,
    now: () => app.engine.clock.now(),
    log: app.log,
  });
  sender.start();
  const inbound =
    settings.inbound && settings.replySecret
      ? await startInbound(app, { ...settings.inbound, secret: settings.replySecret })
      : null;
  return {
    async stop() {
      await sender.stop();
      await inbound?.close();
      transport.close();
    },
  };
}
