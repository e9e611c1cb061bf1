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
import { isOverdue } from '../../components/format.js';
import { Loading } from '../../components/Loading.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { nameIn } from '../requests/request-text.js';
import { useTaskCards } from '../requests/use-task-cards.js';
import { shortText } from './task-context.js';
import { AwayBanner } from '../teams/AwayBanner.js';

type Tab = 'mine' | 'claimable' | 'overdue';

function queryFor(tab: Tab, q: string, sort: string) {
  return tab === 'overdue' ? { overdue: true, q, sort, limit: 100 } : { scope: tab, q, sort, limit: 100 };
}

/** The staff inbox: my tasks, claimable ones, overdue ones; live via server-sent events. */
export function InboxPage() {
  const { t, formatDateTime, locale } = useI18n();
  const [tab, setTab] = useState<Tab>('mine');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<'due' | 'priority'>('due');
  const tasks = useAsync(() => api.get<TaskList>('/api/tasks', queryFor(tab, q, sort)), [tab, q, sort]);
  useLiveEvents(() => tasks.reload(true));
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
  const tabs: { id: Tab; label: string; count?: number }[] = [
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
      <div className="filters">
        <input
          type="search"
          placeholder={t('inbox.search')}
          aria-label={t('inbox.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <label className="inline-field">
          {t('inbox.sort')}
          <select value={sort} onChange={(e) => setSort(e.target.value as 'due' | 'priority')}>
            <option value="due">{t('inbox.sortDue')}</option>
            <option value="priority">{t('inbox.sortPriority')}</option>
          </select>
        </label>
      </div>
      <ErrorMessage error={tasks.error ?? claimError} />
      {tasks.loading && !tasks.data ? <Loading /> : null}
      {tasks.data && tasks.data.items.length === 0 ? <p className="muted empty">{t('inbox.empty')}</p> : null}
      {tasks.data && tasks.data.items.length > 0 ? (
        <table className="table task-table stack-on-narrow">
          <thead>
            <tr>
              <th>{t('task.name')}</th>
              <th>{t('task.process')}</th>
              <th>{t('task.due')}</th>
              <th>{t('task.priority')}</th>
              <th>{t('task.assignee')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tasks.data.items.map((task) => {
              const card = cards.get(task.id);
              const headline = card?.headline.map((h) => shortText(h.value)).filter(Boolean) ?? [];
              return (
                <tr key={task.id} data-testid="task-row">
                  <td data-label={t('task.name')}>
                    <a href={href(`/tasks/${task.id}`)}>
                      {(card ? nameIn(card.taskName, locale) : task.name) || task.elementId}
                    </a>
                    {headline.length ? (
                      <span className="headline" data-testid="task-headline">
                        {headline.join(' · ')}
                      </span>
                    ) : null}
                  </td>
                  <td data-label={t('task.process')}>
                    {card ? nameIn(card.processName, locale) : task.processId}
                    {card?.businessKey ? (
                      <span className="headline" title={t('inbox.businessKey')}>
                        {card.businessKey}
                      </span>
                    ) : null}
                  </td>
                  <td data-label={t('task.due')}>
                    {formatDateTime(task.dueAt)}{' '}
                    {isOverdue(task.dueAt) ? (
                      <StatusBadge tone="danger">{t('inbox.overdueBadge')}</StatusBadge>
                    ) : null}
                  </td>
                  <td data-label={t('task.priority')}>{task.priority}</td>
                  <td data-label={t('task.assignee')}>{task.assignee ?? task.candidateGroups.join(', ')}</td>
                  <td className="row-actions">
                    {!task.assignee ? (
                      <button type="button" className="btn btn-small" onClick={() => void claim(task)}>
                        {t('task.claim')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
