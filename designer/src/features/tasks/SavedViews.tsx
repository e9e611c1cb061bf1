import type { View, ViewFilter, ViewList } from '@baton/schemas';
import { useState } from 'react';
import { api } from '../../api/client.js';
import { useAuth } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';

/**
 * Pick a saved view (mine, or one shared with a group of mine), or save the inbox's current
 * filter as a view, optionally shared with one of my groups.
 */
export function SavedViews({ filter, onPick }: { filter: ViewFilter; onPick: (view: View | null) => void }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const views = useAsync(() => api.get<ViewList>('/api/views'), []);
  const [picked, setPicked] = useState('');
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [group, setGroup] = useState('');
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
        filter,
        sharedWithGroup: group || null,
      });
      setSaving(false);
      setName('');
      setGroup('');
      views.reload(true);
      setPicked(view.id);
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
