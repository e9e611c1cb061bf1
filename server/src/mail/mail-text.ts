import type { MailLanguage, OutboxMail } from '../persistence/mail.js';

/** One mail, written: subject and plain-text body. */
export interface MailText {
  readonly subject: string;
  readonly text: string;
}

type Words = {
  readonly kinds: Readonly<Record<string, (by: string, task: string) => string>>;
  readonly open: string;
  readonly reply: string;
  readonly digest: (count: number) => string;
  readonly footer: string;
};

/**
 * The mail's words in each language. The task kinds are those the server records
 * (`notifications/task-notifications.ts`, `notifications/mentions.ts`); any other notification (a
 * process's own `baton.notify`) is sent as its author wrote it.
 */
const WORDS: Record<MailLanguage, Words> = {
  en: {
    kinds: {
      'task.assigned': (by, task) => `${by} assigned "${task}" to you`,
      'task.handedOff': (by, task) => `${by} handed "${task}" over to you`,
      'task.delegated': (by, task) => `${by} delegated "${task}" to you`,
      'task.returned': (by, task) => `${by} returned "${task}" to you`,
      'task.mentioned': (by, task) => `${by} mentioned you on "${task}"`,
    },
    open: 'Open',
    reply: 'Reply to this mail to add a comment to the task.',
    digest: (count) => (count === 1 ? '1 notification' : `${count} notifications`),
    footer: 'You receive this because of your notification settings in Baton.',
  },
  zh: {
    kinds: {
      'task.assigned': (by, task) => `${by} 把「${task}」分配给了你`,
      'task.handedOff': (by, task) => `${by} 把「${task}」转交给了你`,
      'task.delegated': (by, task) => `${by} 把「${task}」委派给了你`,
      'task.returned': (by, task) => `${by} 把「${task}」驳回给了你`,
      'task.mentioned': (by, task) => `${by} 在「${task}」中提到了你`,
    },
    open: '打开',
    reply: '回复此邮件即可在任务中添加评论。',
    digest: (count) => `${count} 条通知`,
    footer: '你收到此邮件，是因为你在 Baton 中的通知设置。',
  },
};

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The task a notification is about, when it is about one. */
export function taskIdOf(mail: Pick<OutboxMail, 'data'>): string | null {
  return str(mail.data.kind)?.startsWith('task.') ? str(mail.data.taskId) : null;
}

/** The line that says what happened, in the reader's language. */
export function headline(mail: OutboxMail): string {
  const words = WORDS[mail.language];
  const kind = str(mail.data.kind);
  const by = str(mail.data.by);
  const task = str(mail.data.task);
  const word = kind ? words.kinds[kind] : undefined;
  return word && by && task ? word(by, task) : mail.subject;
}

/** Where the web app shows what the notification is about. */
export function linkOf(mail: OutboxMail, publicUrl: string): string {
  const taskId = taskIdOf(mail);
  if (taskId) return `${publicUrl}/tasks/${taskId}`;
  if (mail.instanceId) return `${publicUrl}/instances/${mail.instanceId}`;
  return `${publicUrl}/notifications`;
}

/** The mail of one notification. */
export function singleMail(mail: OutboxMail, publicUrl: string, replyable: boolean): MailText {
  const words = WORDS[mail.language];
  const line = headline(mail);
  const parts = [line, ''];
  if (mail.body) parts.push(mail.body, '');
  parts.push(`${words.open}: ${linkOf(mail, publicUrl)}`, '');
  if (replyable) parts.push(words.reply, '');
  parts.push('-- ', words.footer);
  return { subject: `[Baton] ${line}`, text: parts.join('\n') };
}

/** One digest of a user's notifications (all in that user's language), oldest first. */
export function digestMail(mails: readonly OutboxMail[], publicUrl: string): MailText {
  const first = mails[0];
  const words = WORDS[first?.language ?? 'en'];
  const lines = mails.flatMap((m) => {
    const entry = [`- ${headline(m)}`, `  ${linkOf(m, publicUrl)}`];
    if (m.body) entry.splice(1, 0, `  ${m.body.split('\n')[0]?.slice(0, 200) ?? ''}`);
    return entry;
  });
  return {
    subject: `[Baton] ${words.digest(mails.length)}`,
    text: [words.digest(mails.length), '', ...lines, '', '-- ', words.footer].join('\n'),
  };
}
