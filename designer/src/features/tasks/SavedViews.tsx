import type { View, ViewFilter, ViewList } from '@baton/schemas';
import { useState } from 'react';
import { api } from '../../api/client.js';
import { useAuth } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';

/** The filter to save: the inbox's own, plus the priority range and headline value typed here. */
function savedFilter(
  filter: ViewFilter,
  more: { priorityMin: string; priorityMax: string; headlineName: string; headlineValue: string },
): ViewFilter {
  const number = (text: string) => (text.trim() === '' ? undefined : Number(text));
  const min = number(more.priorityMin);
  const max = number(more.priorityMax);
  const name = more.headlineName.trim();
  return {
    ...filter,
    ...(min !== undefined ? { priorityMin: min } : {}),
    ...(max !== undefined ? { priorityMax: max } : {}),
    ...(name ? { headline: [`${name}=${more.headlineValue.trim()}`] } : {}),
  };
}

/**
 * Pick a saved view (mine, or one shared with a group of mine), or save the inbox's current
 * filter as a view, optionally shared with one of my groups, narrowed by a priority range and a
 * headline variable's value.
 */
export function SavedViews({ filter, onPick }: { filter: ViewFilter; onPick: (view: View | null) => void }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const views = useAsync(() => api.get<ViewList>('/api/views'), []);
  const [picked, setPicked] = useState('');
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [group, setGroup] = useState('');
  const [more, setMore] = useState({ priorityMin: '', priorityMax: '', headlineName: '', headlineValue: '' });
  const edit = (key: keyof typeof more) => (e: { target: { value: string } }) =>
    setMore((m) => ({ ...m, [key]: e.target.value }));
  const [error, setError] = useState<unknown>(null);

  const pick = (id: string) => {
    setPicked(id);
    onPick(views.data?.items.find((v) => v.id === id) ?? null);
  };
  const save = async () => {
    setError(null);
    try {
      const view = await api.post<View>('/api/views', {
        name: name.trim(),
        filter: savedFilter(filter, more),
        sharedWithGroup: group || null,
      });
      setSaving(false);
      setName('');
      setGroup('');
      setMore({ priorityMin: '', priorityMax: '', headlineName: '', headlineValue: '' });
      views.reload(true);
      setPicked(view.id);
      // The inbox shows what the view just saved selects.
      onPick(view);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <div className="saved-views" data-testid="saved-views">
      <label className="inline-field">
        {t('views.pick')}
        <select value={picked} onChange={(e) => pick(e.target.value)} data-testid="view-picker">
          <option value="">{t('views.none')}</option>
          {views.data?.items.map((v) => (
            <option key={v.id} value={v.id}>
              {v.editable ? v.name : t('views.sharedBy', { name: v.name, owner: v.ownerName })}
            </option>
          ))}
        </select>
      </label>
      {saving ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label className="inline-field">
            {t('views.name')}
            <input value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="inline-field">
            {t('views.shareWith')}
            <select value={group} onChange={(e) => setGroup(e.target.value)} data-testid="view-group">
              <option value="">{t('views.private')}</option>
              {(user?.groups ?? []).map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            {t('views.priorityMin')}
            <input
              type="number"
              inputMode="numeric"
              value={more.priorityMin}
              onChange={edit('priorityMin')}
              data-testid="view-priority-min"
            />
          </label>
          <label className="inline-field">
            {t('views.priorityMax')}
            <input
              type="number"
              inputMode="numeric"
              value={more.priorityMax}
              onChange={edit('priorityMax')}
              data-testid="view-priority-max"
            />
          </label>
          <label className="inline-field">
            {t('views.headlineName')}
            <input
              value={more.headlineName}
              maxLength={100}
              onChange={edit('headlineName')}
              data-testid="view-headline-name"
            />
          </label>
          <label className="inline-field">
            {t('views.headlineValue')}
            <input
              value={more.headlineValue}
              maxLength={190}
              onChange={edit('headlineValue')}
              data-testid="view-headline-value"
            />
          </label>
          <button type="submit" className="btn btn-small btn-primary" disabled={!name.trim()}>
            {t('views.save')}
          </button>
          <button type="button" className="btn btn-small" onClick={() => setSaving(false)}>
            {t('views.cancel')}
          </button>
        </form>
      ) : (
        <button type="button" className="btn btn-small" onClick={() => setSaving(true)}>
          {t('views.saveCurrent')}
        </button>
      )}
      <ErrorMessage error={views.error ?? error} />
    </div>
  );
}
