import { api } from '../../api/client.js';
import type { TaskList } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { listAbsences } from './teams-api.js';

/** The inbox's note of who is away now, until when and who stands in; whom the reader stands in for. */
export function AwayBanner() {
  const { t, formatDateTime } = useI18n();
  const { user } = useAuth();
  const away = useAsync(() => listAbsences({ scope: 'active' }), []);
  const items = away.data?.items ?? [];
  const standInFor = items.filter((a) => a.substitute === user?.username).map((a) => a.userId);
  // Tasks assigned before the absence stay theirs; the substitute sees them here.
  const theirs = useAsync(
    () =>
      standInFor.length === 0
        ? Promise.resolve(null)
        : api.get<TaskList>('/api/tasks', { scope: 'visible', limit: 100 }),
    [standInFor.join(',')],
  );
  const theirTasks = (theirs.data?.items ?? []).filter(
    (task) => task.assignee && standInFor.includes(task.assignee),
  );
  if (items.length === 0) return null;
  return (
    <aside className="card away-banner" data-testid="away-banner" aria-label={t('teams.awayTitle')}>
      <strong>{t('teams.awayTitle')}</strong>
      <ul>
        {items.map((a) => (
          <li key={a.id} data-testid="away-entry">
            {a.substitute
              ? t('teams.awayWithSubstitute', {
                  user: a.userId,
                  until: formatDateTime(a.to),
                  substitute: a.substitute,
                })
              : t('teams.awayNoSubstitute', { user: a.userId, until: formatDateTime(a.to) })}
            {a.substitute === user?.username ? (
              <>
                {' '}
                <span className="muted">{t('teams.youStandIn')}</span>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {theirTasks.length > 0 ? (
        <>
          <span>{t('teams.theirTasks')}</span>
          <ul data-testid="stand-in-tasks">
            {theirTasks.map((task) => (
              <li key={task.id}>
                <a href={href(`/tasks/${task.id}`)}>{task.name}</a>{' '}
                <span className="muted">({task.assignee})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <a href={href('/team')}>{t('teams.manageAbsences')}</a>
    </aside>
  );
}
