import type { AddressInfo } from 'node:net';
import { userIdentity } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { notifyMentions } from '../notifications/mentions.js';
import { verifyReplyAddress } from './reply-token.js';

/** The longest comment a reply may become (the same as `commentBody` over HTTP). */
export const MAX_REPLY_CHARS = 10_000;

/** An SMTP refusal: the code tells the sending server whether to try again (4xx) or bounce (5xx). */
function refusal(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The new text of a reply: the lines above the quoted history. Stops at a quote header
 * ("On … wrote:", possibly wrapped over two lines; "在 … 写道："; "-----Original Message-----";
 * Outlook's rule of underscores; a "From:" header block) or a signature ("-- "), and drops quoted
 * lines ("> …").
 */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const next = lines[i + 1] ?? '';
    if (/^On\b.*\bwrote:\s*$/.test(line) || (/^On\b/.test(line) && /\bwrote:\s*$/.test(next))) break;
    if (/^\s*在.*写道[:：]\s*$/.test(line)) break;
    if (/^-{2,}\s*(Original Message|原始邮件)\s*-{2,}/i.test(line) || /^_{10,}\s*$/.test(line)) break;
    if (/^(From|发件人)[:：] /.test(line) && kept.length > 0) break;
    if (line === '-- ' || line === '--') break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

async function readLimited(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep reading (the client must be answered after its data), but keep nothing more.
    if (size <= maxBytes) chunks.push(chunk);
  }
  return size > maxBytes || stream.sizeExceeded ? null : Buffer.concat(chunks);
}

/**
 * Adds one reply as a comment: the notification the signed address names gives the user and
 * the task; the engine's policy decides whether that user may still comment on it.
 */
async function addReply(app: FastifyInstance, notificationId: string, raw: Buffer): Promise<void> {
  const parsed = await simpleParser(raw, { skipHtmlToText: false, skipImageLinks: true });
  // Out-of-office answers and other automatic mail never become comments (nor bounce, or two
  // robots could answer each other for ever).
  const auto = parsed.headers.get('auto-submitted');
  if (typeof auto === 'string' && auto.toLowerCase() !== 'no') return;
  const text = replyText(parsed.text ?? '');
  if (!text) throw refusal(550, 'The reply has no text above the quoted mail');
  if (text.length > MAX_REPLY_CHARS)
    throw refusal(552, `The reply is longer than ${MAX_REPLY_CHARS} characters`);
  const notification = await app.store.notifications.get(notificationId);
  const taskId =
    notification && typeof notification.data.taskId === 'string' ? notification.data.taskId : null;
  if (!notification || !taskId) throw refusal(550, 'This notification cannot be answered by mail');
  const user = await app.store.users.getById(notification.userId);
  if (!user?.active) throw refusal(550, 'This account cannot comment');
  const identity = userIdentity(user.username, { groups: user.groups, roles: user.roles });
  try {
    await app.engine.commentTask(taskId, text, identity);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'TASK_NOT_FOUND' || code === 'TASK_NOT_ACTIVE' || code === 'FORBIDDEN')
      throw refusal(550, 'You cannot comment on this task (any more)');
    if (code === 'INVALID_ARGUMENT') throw refusal(550, 'The reply cannot be a comment');
    throw refusal(451, 'The comment could not be saved; try again later');
  }
  await notifyMentions(app, await app.engine.getTask(taskId), text, user.username).catch((err: unknown) =>
    app.log.warn({ err }, 'mentions of a mailed reply not recorded'),
  );
}

/** A running inbound listener. */
export interface InboundMail {
  /** The port it listens on (the one asked for, or the one the system gave for 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Receives replies to notification mails over SMTP: only for reply addresses signed with
 * `secret` (anything else is refused at RCPT TO with 550), one such recipient per mail, at most
 * `maxBytes` per mail (552 beyond). The text above the quoted history becomes a comment by the
 * notification's user on its task. No TLS and no AUTH: run it behind the organisation's mail server,
 * which relays the reply addresses' domain here.
 */
export async function startInbound(
  app: FastifyInstance,
  opts: { port: number; host: string; maxBytes: number; secret: string },
): Promise<InboundMail> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: opts.maxBytes,
    logger: false,
    banner: 'Baton replies',
    onRcptTo(address, session: SMTPServerSession, callback) {
      const id = verifyReplyAddress(opts.secret, address.address);
      if (!id) return callback(refusal(550, 'No such reply address'));
      if (session.envelope.rcptTo.length > 0) return callback(refusal(452, 'One reply address per mail'));
      callback();
    },
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo[0]?.address ?? '';
      const id = verifyReplyAddress(opts.secret, to);
      readLimited(stream, opts.maxBytes)
        .then(async (raw) => {
          if (!raw) throw refusal(552, `The mail is larger than ${opts.maxBytes} bytes`);
          if (!id) throw refusal(550, 'No such reply address');
          await addReply(app, id, raw);
          callback();
        })
        .catch((err: unknown) => {
          if (!(err instanceof Error && 'responseCode' in err)) app.log.warn({ err }, 'mail reply failed');
          callback(err instanceof Error && 'responseCode' in err ? err : refusal(451, 'Try again later'));
        });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => app.log.warn({ err }, 'inbound mail'));
  const port = (server.server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
