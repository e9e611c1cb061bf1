import { useState } from 'react';
import { useAuth } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';
import { AbsenceForm } from './AbsenceForm.js';
import { endAbsence, listAbsences } from './teams-api.js';
import { TeamLoadTable } from './TeamLoadTable.js';

/** Absences (set one, see and end current ones) and, for managers, the team's load. */
export function TeamPage() {
  const { t, formatDateTime } = useI18n();
  const { user, hasRole } = useAuth();
  const absences = useAsync(() => listAbsences(), []);
  const [error, setError] = useState<unknown>(null);
  const mayEndAny = hasRole('manager');
  const end = async (id: string) => {
    setError(null);
    try {
      await endAbsence(id);
      absences.reload(true);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section className="page" data-testid="team">
      <div className="page-head">
        <h1>{t('teams.title')}</h1>
        <a href={href('/team/calendars')} data-testid="calendars-link">
          {t('calendars.link')}
        </a>
      </div>
      <AbsenceForm onSaved={() => absences.reload(true)} />
      <div className="card">
        <h2>{t('teams.absences')}</h2>
        <ErrorMessage error={error ?? absences.error} />
        {absences.loading && !absences.data ? <Loading /> : null}
        {absences.data?.items.length === 0 ? <p className="muted">{t('teams.noAbsences')}</p> : null}
        {absences.data?.items.length ? (
          <table className="table">
            <thead>
              <tr>
                <th>{t('teams.person')}</th>
                <th>{t('teams.from')}</th>
                <th>{t('teams.to')}</th>
                <th>{t('teams.substitute')}</th>
                <th>{t('teams.note')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {absences.data.items.map((a) => (
                <tr key={a.id} data-testid="absence-row">
                  <td>
                    {a.userId} {a.active ? <span className="badge">{t('teams.awayNow')}</span> : null}
                  </td>
                  <td>{formatDateTime(a.from)}</td>
                  <td>{formatDateTime(a.to)}</td>
                  <td>{a.substitute ?? '—'}</td>
                  <td>{a.note ?? ''}</td>
                  <td>
                    {a.userId === user?.username || mayEndAny ? (
                      <button type="button" className="btn btn-ghost" onClick={() => void end(a.id)}>
                        {t('teams.end')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
      {hasRole('manager') ? <TeamLoadTable /> : null}
    </section>
  );
}
