import { type FormEvent, useState } from 'react';
import { ApiError } from '../../../api/problem.js';
import type { MessageKey } from '../../../app/en.js';
import { useI18n } from '../../../app/i18n.js';
import { ErrorMessage } from '../../../components/ErrorMessage.js';
import { type CalendarSave, saveCalendar, timeZones } from './calendars-api.js';
import { DayList } from './DayList.js';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Edits one calendar: name, zone, working days, hours, holidays and make-up days; admins save. */
export function CalendarEditor({
  id,
  initial,
  mayEdit,
  onSaved,
}: {
  id: string;
  initial: CalendarSave;
  mayEdit: boolean;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<CalendarSave>(initial);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const change = (patch: Partial<CalendarSave>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await saveCalendar(id, { ...draft, workingDays: [...draft.workingDays].sort() });
      setSaved(true);
      onSaved();
    } catch (failure) {
      setError(failure);
    }
  };
  const toggleDay = (day: number) =>
    change({
      workingDays: draft.workingDays.includes(day)
        ? draft.workingDays.filter((d) => d !== day)
        : [...draft.workingDays, day],
    });
  const setHours = (index: number, key: 'start' | 'end', value: string) =>
    change({ hours: draft.hours.map((h, i) => (i === index ? { ...h, [key]: value } : h)) });
  const fieldErrors = error instanceof ApiError ? error.errors : [];
  return (
    <form onSubmit={submit} data-testid="calendar-editor" noValidate>
      <fieldset className="card" disabled={!mayEdit}>
        <legend>{id}</legend>
        <label>
          {t('calendars.name')}
          <input value={draft.name} onChange={(e) => change({ name: e.target.value })} />
        </label>
        <label>
          {t('calendars.timeZone')}
          <input
            list="calendar-zones"
            value={draft.timeZone}
            onChange={(e) => change({ timeZone: e.target.value })}
          />
        </label>
        <datalist id="calendar-zones">
          {timeZones().map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <fieldset>
          <legend>{t('calendars.workingDays')}</legend>
          {WEEKDAYS.map((day) => (
            <label key={day} className="inline">
              <input
                type="checkbox"
                checked={draft.workingDays.includes(day)}
                onChange={() => toggleDay(day)}
              />
              {t(`calendars.weekday${day}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        <fieldset data-testid="calendar-hours">
          <legend>{t('calendars.hours')}</legend>
          {draft.hours.map((hours, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: stretches are edited in place.
            <div key={index}>
              <input
                aria-label={`${t('calendars.from')} ${index + 1}`}
                value={hours.start}
                onChange={(e) => setHours(index, 'start', e.target.value)}
              />
              –
              <input
                aria-label={`${t('calendars.to')} ${index + 1}`}
                value={hours.end}
                onChange={(e) => setHours(index, 'end', e.target.value)}
              />
              <button
                type="button"
                className="btn"
                onClick={() => change({ hours: draft.hours.filter((_, i) => i !== index) })}
              >
                {t('calendars.remove')}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="btn"
            onClick={() => change({ hours: [...draft.hours, { start: '', end: '' }] })}
          >
            {t('calendars.addHours')}
          </button>
        </fieldset>
      </fieldset>
      <DayList
        title={t('calendars.holidays')}
        testId="calendar-holidays"
        days={draft.holidays}
        disabled={!mayEdit}
        onChange={(holidays) => change({ holidays })}
      />
      <DayList
        title={t('calendars.makeUpDays')}
        testId="calendar-make-up-days"
        days={draft.makeUpDays}
        disabled={!mayEdit}
        onChange={(makeUpDays) => change({ makeUpDays })}
      />
      <ErrorMessage error={error} />
      {fieldErrors.length > 0 ? (
        <div className="alert alert-error" data-testid="calendar-errors">
          {t('calendars.fix')}
          <ul>
            {fieldErrors.map((e) => (
              <li key={`${e.pointer} ${e.message}`}>
                <code>{e.pointer}</code> {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {saved ? (
        <p className="muted" role="status">
          {t('calendars.saved')}
        </p>
      ) : null}
      {mayEdit ? (
        <button type="submit" className="btn btn-primary">
          {t('calendars.save')}
        </button>
      ) : (
        <p className="muted">{t('calendars.readOnly')}</p>
      )}
    </form>
  );
}
