import type { NotificationItem } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { nameIn } from '../requests/request-text.js';
import { useTaskCards } from '../requests/use-task-cards.js';
import { notificationTaskId } from './notification-text.js';

/**
 * The names, in the reader's language, of the tasks that notifications are about: a notification
 * records the task's English (BPMN) name, the task's card knows its form's Chinese one. English
 * readers need no lookup; a task the reader can no longer see keeps the recorded name.
 */
export function useNotificationTaskNames(
  items: readonly NotificationItem[] | undefined,
): (notification: NotificationItem) => string | undefined {
  const { locale } = useI18n();
  const ids =
    locale === 'en'
      ? []
      : [...new Set((items ?? []).map(notificationTaskId).filter((id): id is string => id !== null))];
  const cards = useTaskCards(ids);
  return (notification) => {
    const id = notificationTaskId(notification);
    const card = id ? cards.get(id) : undefined;
    return card && locale !== 'en' ? nameIn(card.taskName, locale) : undefined;
  };
}
