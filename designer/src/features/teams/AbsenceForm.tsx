import { type FormEvent, useState } from 'react';
import { useAuth } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { createAbsence, localInputToIso } from './teams-api.js';

/** Sets an absence: one's own, or (managers, admins) anyone's. */
export function AbsenceForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const { user, hasRole } = useAuth();
  const [who, setWho] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [substitute, setSubstitute] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mayChooseWho = hasRole('manager');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const fromIso = localInputToIso(from);
    const toIso = localInputToIso(to);
    if (!fromIso || !toIso) {
      setError(new Error(t('teams.datesRequired')));
      return;
    }
    setBusy(true);
    try {
      await createAbsence({
        ...(mayChooseWho && who.trim() ? { userId: who.trim() } : {}),
        from: fromIso,
        to: toIso,
        substitute: substitute.trim() || null,
        note: note.trim() || null,
      });
      setWho('');
      setSubstitute('');
      setNote('');
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card absence-form" onSubmit={(e) => void submit(e)} data-testid="absence-form">
      <h2>{t('teams.setAbsence')}</h2>
      <ErrorMessage error={error} />
      {mayChooseWho ? (
        <label className="field">
          <span>{t('teams.person')}</span>
          <input
            value={who}
            placeholder={user?.username}
            onChange={(e) => setWho(e.target.value)}
            data-testid="absence-user"
          />
        </label>
      ) : null}
      <label className="field">
        <span>{t('teams.from')}</span>
        <input
          type="datetime-local"
          value={from}
          required
          onChange={(e) => setFrom(e.target.value)}
          data-testid="absence-from"
        />
      </label>
      <label className="field">
        <span>{t('teams.to')}</span>
        <input
          type="datetime-local"
          value={to}
          required
          onChange={(e) => setTo(e.target.value)}
          data-testid="absence-to"
        />
      </label>
      <label className="field">
        <span>{t('teams.substitute')}</span>
        <input
          value={substitute}
          onChange={(e) => setSubstitute(e.target.value)}
          data-testid="absence-substitute"
        />
      </label>
      <label className="field">
        <span>{t('teams.note')}</span>
        <input value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="absence-submit">
        {t('teams.save')}
      </button>
    </form>
  );
}
