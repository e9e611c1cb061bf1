import { useState } from 'react';
import { api } from '../../api/client.js';
import type { Task, TaskList } from '../../api/types.js';
import { refocusIfLost } from '../../app/focus.js';
import { useI18n } from '../../app/i18n.js';
import { onTabListKeyDown, tabIndexOf } from '../../app/roving-tabs.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { useLiveEvents } from '../../app/use-live-events.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';
import { useTaskCards } from '../requests/use-task-cards.js';
import { AwayBanner } from '../teams/AwayBanner.js';
import { BulkActions } from './BulkActions.js';
import { filterOf, type InboxState, type InboxTab, stateOf } from './inbox-filter.js';
import { InboxRow } from './InboxRow.js';
import { SavedViews } from './SavedViews.js';

/**
 * The staff inbox: my tasks, claimable ones, overdue ones; live via server-sent events. Saved
 * views fill in the filter; checked tasks can be claimed or handed off together.
 */
export function InboxPage() {
  const { t } = useI18n();
  const [state, setState] = useState<InboxState>({ tab: 'mine', q: '', sort: 'due', extra: {} });
  const { tab, q, sort } = state;
  const setTab = (next: InboxTab) => setState((s) => ({ ...s, tab: next }));
  const filter = filterOf(state);
  const query = JSON.stringify(filter);
  // Re-fetch when the filter's content changes, not on every render's new object.
  const tasks = useAsync(() => api.get<TaskList>('/api/tasks', { ...filter, limit: 100 }), [query]);
  useLiveEvents(() => tasks.reload(true));
  const [selected, setSelected] = useState<string[]>([]);
  const shown = tasks.data?.items ?? [];
  const chosen = selected.filter((id) => shown.some((task) => task.id === id));
  const toggle = (id: string, on: boolean) =>
    setSelected((ids) => (on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id)));
  const [claimError, setClaimError] = useState<unknown>(null);
  const cards = useTaskCards(tasks.data?.items.map((task) => task.id) ?? []);

  const claim = async (task: Task) => {
    setClaimError(null);
    try {
      await api.post(`/api/tasks/${task.id}/claim`, {});
      tasks.reload(true);
      refocusIfLost();
    } catch (failure) {
      setClaimError(failure);
    }
  };

  const counts = tasks.data?.counts;
  const tabs: { id: InboxTab; label: string; count?: number }[] = [
    { id: 'mine', label: t('inbox.mine'), count: counts?.mine },
    { id: 'claimable', label: t('inbox.claimable'), count: counts?.claimable },
    { id: 'overdue', label: t('inbox.overdue'), count: counts?.overdue },
  ];
  return (
    <section className="page" data-testid="inbox">
      <div className="page-head">
        <h1>{t('inbox.title')}</h1>
        <a className="btn" href={href('/start')}>
          {t('nav.start')}
        </a>
      </div>
      <AwayBanner />
      <div className="tabs" role="tablist" onKeyDown={onTabListKeyDown}>
        {tabs.map((item) => (
          <button
            key={item.id}
            type="button"
            role="tab"
            aria-selected={tab === item.id}
            tabIndex={tabIndexOf(tab === item.id)}
            data-testid={`tab-${item.id}`}
            className={tab === item.id ? 'tab active' : 'tab'}
            onClick={() => setTab(item.id)}
          >
            {item.label}
            <span className="count" data-testid={`count-${item.id}`}>
              {item.count ?? '·'}
            </span>
          </button>
        ))}
      </div>
      <SavedViews
        filter={filter}
        onPick={(view) => setState(view ? stateOf(view.filter) : { tab, q: '', sort: 'due', extra: {} })}
      />
      <div className="filters">
        <input
          type="search"
          placeholder={t('inbox.search')}
          aria-label={t('inbox.search')}
          value={q}
          onChange={(e) => setState((s) => ({ ...s, q: e.target.value }))}
        />
        <label className="inline-field">
          {t('inbox.sort')}
          <select
            value={sort}
            onChange={(e) => setState((s) => ({ ...s, sort: e.target.value as 'due' | 'priority' }))}
          >
            <option value="due">{t('inbox.sortDue')}</option>
            <option value="priority">{t('inbox.sortPriority')}</option>
          </select>
        </label>
      </div>
      <ErrorMessage error={tasks.error ?? claimError} />
      {tasks.loading && !tasks.data ? <Loading /> : null}
      {tasks.data && tasks.data.items.length === 0 ? <p className="muted empty">{t('inbox.empty')}</p> : null}
      {/* Stays mounted when the acted-on tasks leave the list, so their outcome stays readable. */}
      {tasks.data ? (
        <BulkActions
          selected={chosen}
          tasks={shown}
          onDone={() => {
            setSelected([]);
            tasks.reload(true);
          }}
        />
      ) : null}
      {tasks.data && tasks.data.items.length > 0 ? (
        <table className="table task-table stack-on-narrow">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label={t('bulk.selectAll')}
                  checked={chosen.length === shown.length}
                  onChange={(e) => setSelected(e.target.checked ? shown.map((task) => task.id) : [])}
                />
              </th>
              <th>{t('task.name')}</th>
              <th>{t('task.process')}</th>
              <th>{t('task.due')}</th>
              <th>{t('task.priority')}</th>
              <th>{t('task.assignee')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tasks.data.items.map((task) => (
              <InboxRow
                key={task.id}
                task={task}
                card={cards.get(task.id)}
                selected={chosen.includes(task.id)}
                onSelect={(on) => toggle(task.id, on)}
                onClaim={() => void claim(task)}
              />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
