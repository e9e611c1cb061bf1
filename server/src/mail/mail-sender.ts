import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailSettings } from '../config.js';
import type { OutboxMail } from '../persistence/mail.js';
import type { Store } from '../persistence/store.js';
import { digestMail, type MailText, singleMail, taskIdOf } from './mail-text.js';
import { replyAddress } from './reply-token.js';

/** What the sender is told; the transport is given so tests and hosts may choose it. */
export interface MailSenderDeps {
  readonly store: Store;
  readonly transport: Transporter;
  readonly settings: Pick<MailSettings, 'from' | 'publicUrl' | 'replySecret' | 'replyDomain' | 'pollMs'>;
  /** The engine's clock: leases and retries follow it (tests move a VirtualClock). */
  readonly now: () => Date;
  /** This sender's name on its leases; unique per process. */
  readonly owner?: string;
  /** How long a claim holds before another sender may take the mail (default 2 minutes). */
  readonly leaseMs?: number;
  /** Attempts before a mail is given up and kept with its error (default 8). */
  readonly maxAttempts?: number;
  readonly log?: { warn(obj: unknown, msg: string): void };
}

/** What one pass did. */
export interface SendReport {
  readonly sent: number;
  readonly failed: number;
  /** Queued for someone who since turned mail off or removed their address: not sent, ever. */
  readonly skipped: number;
}

/** How long the outbox keeps a mail after it was sent or given up (for the operator's questions). */
const KEEP_MS = 30 * 24 * 3600_000;

/** The wait before attempt n + 1 (n ≥ 1 attempts failed): 30 s doubling, at most an hour. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failedAttempts - 1), 3_600_000);
}

/** A nodemailer SMTP transport from `smtp://[user:pass@]host:port` (`smtps://` for TLS at once). */
export function smtpTransport(url: string): Transporter {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return nodemailer.createTransport({
    host: u.hostname,
    port: Number(u.port || (secure ? 465 : 587)),
    secure,
    ...(u.username
      ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}

/**
 * Sends the mail outbox: each notification's mail, and daily digests (one mail per user of all
 * their due digest entries). Every server process may run one: a mail is claimed by one statement
 * with `FOR UPDATE SKIP LOCKED` and a lease (`persistence/mail.ts`), so two senders never send the
 * same one. A sender that dies after the SMTP server took a mail but before marking it sent lets
 * its lease run out and the mail is sent again: delivery is at least once, and a repeat carries the
 * same Message-ID so mail clients can drop it. A refused mail is retried with backoff
 * (`retryDelayMs`), then kept with its error.
 */
export class MailSender {
  readonly #deps: MailSenderDeps;
  readonly #owner: string;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;

  constructor(deps: MailSenderDeps) {
    this.#deps = deps;
    this.#owner = deps.owner ?? `mail-${randomUUID()}`;
  }

  /**
   * One pass: every due single mail, then every due digest (in batches of 100 and 500). The
   * outbox forgets what was sent or given up more than 30 days ago.
   */
  async runOnce(): Promise<SendReport> {
    const report = { sent: 0, failed: 0, skipped: 0 };
    await this.#deps.store.mail.purge(new Date(this.#deps.now().getTime() - KEEP_MS));
    for (;;) {
      const batch = await this.#claim('each', 100);
      if (batch.length === 0) break;
      for (const mail of batch) this.#add(report, await this.#send([mail]));
    }
    for (;;) {
      const batch = await this.#claim('digest', 500);
      if (batch.length === 0) break;
      const byUser = new Map<string, OutboxMail[]>();
      for (const mail of batch) byUser.set(mail.userId, [...(byUser.get(mail.userId) ?? []), mail]);
      for (const mails of byUser.values()) this.#add(report, await this.#send(mails));
    }
    return report;
  }

  /** Runs a pass every `pollMs` until `stop`; passes never overlap. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.runOnce()
        .catch((err: unknown) => this.#deps.log?.warn({ err }, 'mail pass failed'))
        .finally(() => {
          this.#running = null;
        });
    }, this.#deps.settings.pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #claim(kind: 'each' | 'digest', limit: number): Promise<OutboxMail[]> {
    return this.#deps.store.mail.claim(
      kind,
      this.#owner,
      this.#deps.now(),
      this.#deps.leaseMs ?? 120_000,
      limit,
    );
  }

  #add(report: { sent: number; failed: number; skipped: number }, outcome: keyof SendReport): void {
    report[outcome] += 1;
  }

  /** Sends one mail for these entries (one, or a user's digest) and records the outcome. */
  async #send(mails: readonly OutboxMail[]): Promise<keyof SendReport> {
    const { store, settings } = this.#deps;
    const first = mails[0];
    if (!first) return 'skipped';
    const ids = mails.map((m) => m.id);
    if (!first.email || first.mode === 'off') {
      await store.mail.markFailed(
        ids,
        this.#owner,
        'not sent: mail is off for this user',
        null,
        this.#deps.now(),
      );
      return 'skipped';
    }
    const taskId = mails.length === 1 ? taskIdOf(first) : null;
    // A mention lets its reader see the task, not act on it: a reply could not become a comment.
    const replyable = Boolean(settings.replySecret && taskId && first.data.kind !== 'task.mentioned');
    const text: MailText =
      first.kind === 'digest'
        ? digestMail(mails, settings.publicUrl)
        : singleMail(first, settings.publicUrl, replyable);
    try {
      await this.#deps.transport.sendMail({
        from: settings.from,
        to: { name: first.displayName, address: first.email },
        subject: text.subject,
        text: text.text,
        messageId: `<${first.id}@baton>`,
        headers: {
          'Auto-Submitted': 'auto-generated',
          'Content-Language': first.language === 'zh' ? 'zh-CN' : 'en',
        },
        ...(replyable && settings.replySecret
          ? { replyTo: replyAddress(settings.replySecret, settings.replyDomain, first.notificationId) }
          : {}),
      });
    } catch (err) {
      const attempts = Math.max(...mails.map((m) => m.attempts)) + 1;
      const now = this.#deps.now();
      const retryAt =
        attempts >= (this.#deps.maxAttempts ?? 8) ? null : new Date(now.getTime() + retryDelayMs(attempts));
      await store.mail.markFailed(
        ids,
        this.#owner,
        err instanceof Error ? err.message : String(err),
        retryAt,
        now,
      );
      this.#deps.log?.warn({ err, outbox: ids }, 'mail not sent');
      return 'failed';
    }
    await store.mail.markSent(ids, this.#owner, this.#deps.now());
    return 'sent';
  }
}
