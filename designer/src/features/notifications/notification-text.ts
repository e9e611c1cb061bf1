import type { NotificationItem } from '../../api/types.js';
import type { MessageKey } from '../../app/en.js';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Notifications the server records when a task changes hands, by `data.kind`. */
const TASK_KINDS = {
  'task.handedOff': 'notifications.task.handedOff',
  'task.delegated': 'notifications.task.delegated',
  'task.returned': 'notifications.task.returned',
  'task.assigned': 'notifications.task.assigned',
  'task.mentioned': 'notifications.task.mentioned',
} as const satisfies Record<string, MessageKey>;

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/**
 * The line to show for a notification: a task hand-off, delegation or return in the reader's
 * language, naming the task by `taskName` when the reader's language has one (the server's English
 * subject is the fallback for other clients); any other
 * notification (a process's own `baton.notify`) as its author wrote it.
 */
export function notificationSubject(notification: NotificationItem, t: Translate, taskName?: string): string {
  const data = notification.data as Record<string, unknown>;
  const kind = text(data.kind);
  const key = kind && kind in TASK_KINDS ? TASK_KINDS[kind as keyof typeof TASK_KINDS] : null;
  const by = text(data.by);
  const task = taskName || text(data.task);
  return key && by && task ? t(key, { by, task }) : notification.subject;
}

/** The task a notification is about, when it is about one. */
export function notificationTaskId(notification: NotificationItem): string | null {
  const data = notification.data as Record<string, unknown>;
  return text(data.kind)?.startsWith('task.') ? text(data.taskId) : null;
}
