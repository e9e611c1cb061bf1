import { describe, expect, it } from 'vitest';
import type { NotificationItem } from '../../api/types.js';
import { translate } from '../../app/i18n-core.js';
import { notificationSubject, notificationTaskId } from '../notifications/notification-text.js';

const item = (data: Record<string, unknown>): NotificationItem =>
  ({
    id: '00000000-0000-4000-8000-000000000002',
    subject: 'server subject',
    body: 'What do you think, @bob?',
    data,
    instanceId: null,
    createdAt: '2026-03-02T09:00:00.000Z',
    readAt: null,
  }) as NotificationItem;

describe('mention and assignment notifications', () => {
  it('words a mention in both languages and links to the task', () => {
    const mention = item({ kind: 'task.mentioned', by: 'ann', task: 'Review', taskId: 't-9' });
    expect(notificationSubject(mention, (k, p) => translate('en', k, p))).toBe(
      'ann mentioned you on "Review"',
    );
    expect(notificationSubject(mention, (k, p) => translate('zh', k, p))).toBe('ann 在「Review」中提到了你');
    expect(notificationTaskId(mention)).toBe('t-9');
  });

  it('words an assignment in both languages', () => {
    const assigned = item({ kind: 'task.assigned', by: 'maya', task: 'Approve', taskId: 't-1' });
    expect(notificationSubject(assigned, (k, p) => translate('en', k, p))).toBe(
      'maya assigned "Approve" to you',
    );
    expect(notificationSubject(assigned, (k, p) => translate('zh', k, p))).toBe(
      'maya 把「Approve」分配给了你',
    );
  });
});
