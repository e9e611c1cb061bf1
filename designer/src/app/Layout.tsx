import type { ReactNode } from 'react';
import type { Role } from '../api/types.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { NotificationBell } from '../features/notifications/NotificationBell.js';
import { useAuth } from './auth.js';
import type { MessageKey } from './en.js';
import { useI18n } from './i18n.js';
import { href, useLocation } from './router.js';

const NAV: { path: string; label: MessageKey; roles?: Role[] }[] = [
  { path: '/inbox', label: 'nav.inbox' },
  { path: '/start', label: 'nav.start' },
  { path: '/processes', label: 'nav.processes', roles: ['designer'] },
  { path: '/forms', label: 'nav.forms', roles: ['designer'] },
  { path: '/instances', label: 'nav.instances', roles: ['manager'] },
  { path: '/kpis', label: 'nav.kpis', roles: ['manager'] },
  { path: '/templates', label: 'nav.templates' },
];

/** The frame around every signed-in page: navigation by role, notifications, language, user. */
export function Layout({ children }: { children: ReactNode }) {
  const { user, logout, hasRole } = useAuth();
  const { t } = useI18n();
  const { path } = useLocation();
  const section = `/${path.split('/')[1] ?? ''}`;
  const sectionOf: Record<string, string> = {
    '/tasks': '/inbox',
    '/modeler': '/processes',
  };
  const active = sectionOf[section] ?? section;
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href={href('/inbox')}>
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Baton
        </a>
        <nav className="nav" aria-label={t('nav.label')}>
          {NAV.filter((item) => !item.roles || hasRole(...item.roles)).map((item) => (
            <a
              key={item.path}
              href={href(item.path)}
              className={active === item.path ? 'active' : undefined}
              aria-current={active === item.path ? 'page' : undefined}
            >
              {t(item.label)}
            </a>
          ))}
        </nav>
        <div className="topbar-right">
          <NotificationBell />
          <LanguageSwitch />
          <span className="whoami" title={user?.roles.join(', ')}>
            {user?.displayName || user?.username}
          </span>
          <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
