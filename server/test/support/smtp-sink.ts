import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One mail the sink received. */
export interface ReceivedMail {
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
  readonly replyTo: string | null;
  readonly language: string | null;
}

/**
 * A real SMTP server on 127.0.0.1 (an ephemeral port) that keeps what it receives: the mails of
 * the tests never leave the machine. `refuse(n)` makes it answer the next n mails 451.
 */
export async function startSmtpSink(): Promise<{
  readonly url: string;
  readonly mails: ReceivedMail[];
  refuse(n: number): void;
  close(): Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (refusals > 0) {
            refusals -= 1;
            return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          }
          const replyTo = parsed.replyTo?.value[0]?.address ?? null;
          const language = parsed.headers.get('content-language');
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
            replyTo,
            language: typeof language === 'string' ? language : null,
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse: (n) => {
      refusals = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
