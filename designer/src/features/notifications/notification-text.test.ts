import { describe, expect, it } from 'vitest';
import type { NotificationItem } from '../../api/types.js';
import { translate } from '../../app/i18n-core.js';
import { notificationSubject, notificationTaskId } from './notification-text.js';

const item = (subject: string, data: Record<string, unknown>): NotificationItem =>
  ({
    id: '00000000-0000-4000-8000-000000000001',
    subject,
    body: null,
    data,
    instanceId: null,
    createdAt: '2026-03-02T09:00:00.000Z',
    readAt: null,
  }) as NotificationItem;

describe('notification text', () => {
  const handOff = item('sam handed "Approve" over to you', {
    kind: 'task.handedOff',
    by: 'sam',
    task: 'Approve',
    taskId: 't-1',
  });

  it('words a hand-off in the reader’s language and links to the task', () => {
    expect(notificationSubject(handOff, (k, p) => translate('zh', k, p))).toBe('sam 把「Approve」转交给了你');
    expect(notificationSubject(handOff, (k, p) => translate('en', k, p))).toBe(
      'sam handed "Approve" over to you',
    );
    expect(notificationTaskId(handOff)).toBe('t-1');
  });

  it('names the task in the reader’s language when a name is given', () => {
    expect(notificationSubject(handOff, (k, p) => translate('zh', k, p), '审批')).toBe(
      'sam 把「审批」转交给了你',
    );
    expect(notificationSubject(handOff, (k, p) => translate('zh', k, p), undefined)).toBe(
      'sam 把「Approve」转交给了你',
    );
  });

  it('shows a process’s own notification as written, without a task link', () => {
    const reminder = item('The plan is out', { elementId: 'notifyAll', jobId: 'j-1' });
    expect(notificationSubject(reminder, (k, p) => translate('zh', k, p))).toBe('The plan is out');
    expect(notificationTaskId(reminder)).toBeNull();
  });
});
