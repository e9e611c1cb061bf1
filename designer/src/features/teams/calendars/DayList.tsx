import { useI18n } from '../../../app/i18n.js';

type Day = { date: string; name?: string };

/** A list of dates with names (holidays, make-up working days): edit, add, remove. */
export function DayList({
  title,
  testId,
  days,
  disabled,
  onChange,
}: {
  title: string;
  testId: string;
  days: readonly Day[];
  disabled: boolean;
  onChange: (days: Day[]) => void;
}) {
  const { t } = useI18n();
  const set = (index: number, day: Day) => onChange(days.map((d, i) => (i === index ? day : d)));
  return (
    <fieldset className="card" data-testid={testId} disabled={disabled}>
      <legend>
        {title} ({days.length})
      </legend>
      <table className="table">
        <thead>
          <tr>
            <th>{t('calendars.date')}</th>
            <th>{t('calendars.dayName')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {days.map((day, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; dates may repeat while typed.
            <tr key={index}>
              <td>
                <input
                  type="date"
                  aria-label={`${title} ${t('calendars.date')} ${index + 1}`}
                  value={day.date}
                  onChange={(e) => set(index, { ...day, date: e.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label={`${title} ${t('calendars.dayName')} ${index + 1}`}
                  value={day.name ?? ''}
                  onChange={(e) =>
                    set(index, e.target.value ? { ...day, name: e.target.value } : { date: day.date })
                  }
                />
              </td>
              <td>
                <button
                  type="button"
                  className="btn"
                  onClick={() => onChange(days.filter((_, i) => i !== index))}
                >
                  {t('calendars.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn" onClick={() => onChange([...days, { date: '' }])}>
        {t('calendars.addDay')}
      </button>
    </fieldset>
  );
}
