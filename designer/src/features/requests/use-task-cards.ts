import type { TaskCardList } from '@baton/schemas';
import { api } from '../../api/client.js';
import { useAsync } from '../../app/use-async.js';

export type TaskCard = TaskCardList['items'][number];

/**
 * The inbox cards of these tasks (process name, business key, names in both languages, headline
 * variables), by task id; one request per page of the inbox. Empty until they arrive: the inbox
 * shows the plain task meanwhile.
 */
export function useTaskCards(taskIds: readonly string[]): Map<string, TaskCard> {
  const key = taskIds.join(',');
  const cards = useAsync(async () => {
    if (taskIds.length === 0) return new Map<string, TaskCard>();
    const query = taskIds
      .slice(0, 100)
      .map((id) => `taskId=${encodeURIComponent(id)}`)
      .join('&');
    const answer = await api.get<TaskCardList>(`/api/task-cards?${query}`);
    return new Map(answer.items.map((card) => [card.taskId, card]));
  }, [key]);
  return cards.data ?? new Map();
}
