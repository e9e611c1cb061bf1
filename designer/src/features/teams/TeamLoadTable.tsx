import { useState } from 'react';
import { useI18n } from '../../app/i18n.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';
import { teamLoad } from './teams-api.js';

/** Each member's open tasks per process the manager manages, and who is away. */
export function TeamLoadTable() {
  const { t, formatDateTime } = useI18n();
  const [group, setGroup] = useState('');
  const [applied, setApplied] = useState('');
  const load = useAsync(() => teamLoad(applied || undefined), [applied]);
  const processes = [...new Set(load.data?.items.map((i) => i.processId) ?? [])].sort();
  const cell = (user: string, processId: string) =>
    load.data?.items.find((i) => i.user === user && i.processId === processId);
  return (
    <div className="card" data-testid="team-load">
      <h2>{t('teams.loadTitle')}</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(group.trim());
        }}
      >
        <label className="inline-field">
          {t('teams.group')}
          <input value={group} onChange={(e) => setGroup(e.target.value)} data-testid="team-load-group" />
        </label>
        <button type="submit" className="btn">
          {t('teams.show')}
        </button>
      </form>
      <ErrorMessage error={load.error} />
      {load.loading && !load.data ? <Loading /> : null}
      {load.data && load.data.members.length === 0 ? <p className="muted">{t('teams.loadEmpty')}</p> : null}
      {load.data && load.data.members.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('teams.person')}</th>
              <th>{t('teams.open')}</th>
              {processes.map((p) => (
                <th key={p}>{p}</th>
              ))}
              <th>{t('teams.away')}</th>
            </tr>
          </thead>
          <tbody>
            {load.data.members.map((m) => (
              <tr key={m.user} data-testid="team-load-row" data-user={m.user}>
                <td>{m.user}</td>
                <td>{m.open}</td>
                {processes.map((p) => {
                  const c = cell(m.user, p);
                  return (
                    <td key={p}>
                      {c ? c.open : 0}
                      {c?.overdue ? (
                        <span className="muted"> ({t('teams.overdueCount', { count: c.overdue })})</span>
                      ) : null}
                    </td>
                  );
                })}
                <td>
                  {m.awayUntil
                    ? t(m.substitute ? 'teams.awayUntilWith' : 'teams.awayUntil', {
                        until: formatDateTime(m.awayUntil),
                        substitute: m.substitute ?? '',
                      })
                    : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
