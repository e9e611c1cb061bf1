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
      <a href={href('/team')}>{t('teams.manageAbsences')}</a>
    </aside>
  );
}
