import type { Task } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { isOverdue } from '../../components/format.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { nameIn } from '../requests/request-text.js';
import type { TaskCard } from '../requests/use-task-cards.js';
import { shortText } from './task-context.js';

/** One inbox row: a checkbox for bulk actions, the task with its headline, and Claim when unassigned. */
export function InboxRow({
  task,
  card,
  selected,
  onSelect,
  onClaim,
}: {
  task: Task;
  card: TaskCard | undefined;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onClaim: () => void;
}) {
  const { t, formatDateTime, locale } = useI18n();
  const headline = card?.headline.map((h) => shortText(h.value)).filter(Boolean) ?? [];
  return (
    <tr data-testid="task-row">
      <td>
        <input
          type="checkbox"
          data-testid="task-select"
          aria-label={t('bulk.select', { name: task.name || task.elementId })}
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
        />
      </td>
      <td data-label={t('task.name')}>
        <a href={href(`/tasks/${task.id}`)}>
          {(card ? nameIn(card.taskName, locale) : task.name) || task.elementId}
        </a>
        {headline.length ? (
          <span className="headline" data-testid="task-headline">
            {headline.join(' · ')}
          </span>
        ) : null}
      </td>
      <td data-label={t('task.process')}>
        {card ? nameIn(card.processName, locale) : task.processId}
        {card?.businessKey ? (
          <span className="headline" title={t('inbox.businessKey')}>
            {card.businessKey}
          </span>
        ) : null}
      </td>
      <td data-label={t('task.due')}>
        {formatDateTime(task.dueAt)}{' '}
        {isOverdue(task.dueAt) ? <StatusBadge tone="danger">{t('inbox.overdueBadge')}</StatusBadge> : null}
      </td>
      <td data-label={t('task.priority')}>{task.priority}</td>
      <td data-label={t('task.assignee')}>{task.assignee ?? task.candidateGroups.join(', ')}</td>
      <td className="row-actions">
        {!task.assignee ? (
          <button type="button" className="btn btn-small" onClick={onClaim}>
            {t('task.claim')}
          </button>
        ) : null}
      </td>
    </tr>
  );
}
