import { type FormEvent, useState } from 'react';
import { useAuth } from '../../../app/auth.js';
import { useI18n } from '../../../app/i18n.js';
import { href, navigate, useLocation } from '../../../app/router.js';
import { useAsync } from '../../../app/use-async.js';
import { ErrorMessage } from '../../../components/ErrorMessage.js';
import { Loading } from '../../../components/Loading.js';
import { CalendarEditor } from './CalendarEditor.js';
import { deleteCalendar, EMPTY_CALENDAR, listCalendars, toDraft } from './calendars-api.js';

/** Business calendars: the list, and the one picked (`?id=`) in an editor; admins change them. */
export function CalendarsPage() {
  const { t } = useI18n();
  const selected = useLocation().query.get('id') ?? undefined;
  const { hasRole } = useAuth();
  const mayEdit = hasRole('admin');
  const calendars = useAsync(() => listCalendars(), []);
  const [newId, setNewId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const current = calendars.data?.items.find((c) => c.id === selected);
  const isNew = selected !== undefined && calendars.data !== undefined && !current;
  const create = (event: FormEvent) => {
    event.preventDefault();
    if (newId.trim()) navigate(`/team/calendars?id=${encodeURIComponent(newId.trim())}`);
  };
  const remove = async (id: string) => {
    setError(null);
    try {
      await deleteCalendar(id);
      navigate('/team/calendars');
      calendars.reload(true);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section className="page" data-testid="calendars">
      <div className="page-head">
        <h1>{t('calendars.title')}</h1>
      </div>
      <p className="muted">{t('calendars.hint')}</p>
      <ErrorMessage error={error ?? calendars.error} />
      {calendars.loading && !calendars.data ? <Loading /> : null}
      <div className="card">
        <h2>{t('calendars.list')}</h2>
        <table className="table" data-testid="calendar-list">
          <thead>
            <tr>
              <th>{t('calendars.name')}</th>
              <th>{t('calendars.id')}</th>
              <th>{t('calendars.timeZone')}</th>
              <th>{t('calendars.holidays')}</th>
            </tr>
          </thead>
          <tbody>
            {calendars.data?.items.map((c) => (
              <tr key={c.id}>
                <td>
                  <a
                    href={href(`/team/calendars?id=${encodeURIComponent(c.id)}`)}
                    aria-current={c.id === selected ? 'page' : undefined}
                  >
                    {c.name}
                  </a>
                </td>
                <td>{c.id}</td>
                <td>{c.timeZone}</td>
                <td>{t('calendars.count', { holidays: c.holidays.length, makeUp: c.makeUpDays.length })}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {mayEdit ? (
          <form onSubmit={create} className="inline">
            <label>
              {t('calendars.new')} ({t('calendars.id')})
              <input value={newId} onChange={(e) => setNewId(e.target.value)} />
            </label>
            <button type="submit" className="btn">
              {t('calendars.create')}
            </button>
          </form>
        ) : null}
      </div>
      {current || isNew ? (
        <>
          <CalendarEditor
            key={selected}
            id={selected ?? ''}
            initial={current ? toDraft(current) : EMPTY_CALENDAR}
            mayEdit={mayEdit}
            onSaved={() => calendars.reload(true)}
          />
          {current && mayEdit ? (
            <button type="button" className="btn btn-danger" onClick={() => remove(current.id)}>
              {t('calendars.delete')}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
