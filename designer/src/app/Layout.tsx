import { type MouseEvent, type ReactNode, useEffect } from 'react';
import type { Role } from '../api/types.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { NotificationBell } from '../features/notifications/NotificationBell.js';
import { useAuth } from './auth.js';
import { focusMainHeading, MAIN_ID } from './focus.js';
import type { MessageKey } from './en.js';
import { useI18n } from './i18n.js';
import { href, useLocation } from './router.js';

const NAV: { path: string; label: MessageKey; roles?: Role[] }[] = [
  { path: '/inbox', label: 'nav.inbox' },
  { path: '/start', label: 'nav.start' },
  { path: '/requests', label: 'nav.requests' },
  { path: '/processes', label: 'nav.processes', roles: ['designer'] },
  { path: '/forms', label: 'nav.forms', roles: ['designer'] },
  { path: '/decisions', label: 'nav.decisions', roles: ['designer', 'manager'] },
  { path: '/instances', label: 'nav.instances', roles: ['manager'] },
  { path: '/kpis', label: 'nav.kpis', roles: ['manager'] },
  { path: '/batches', label: 'nav.batches', roles: ['manager'] },
  { path: '/templates', label: 'nav.templates' },
  { path: '/team', label: 'nav.team' },
];

/**
 * After an in-app navigation, focus goes to the new page's main heading, which lazy pages render
 * a moment later (longer on a slow connection or a busy machine): look for it for up to ten seconds,
 * unless the user has moved focus meanwhile. The first page of a visit keeps the browser's
 * own start, so the skip link is the first Tab stop.
 */
let firstPage = true;
function focusOnNavigation(): () => void {
  if (firstPage) {
    firstPage = false;
    return () => undefined;
  }
  let tries = 0;
  // Focus is still where the navigation started (the link followed) or nowhere; if the user has
  // moved it meanwhile (clicked a field), it stays where they put it.
  const from = document.activeElement;
  const timer = window.setInterval(() => {
    tries += 1;
    const active = document.activeElement;
    const waiting = !active || active === from || active === document.body || active.id === MAIN_ID;
    if (!waiting || focusMainHeading() || tries > 200) window.clearInterval(timer);
  }, 50);
  return () => window.clearInterval(timer);
}

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
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new path is the trigger.
  useEffect(() => focusOnNavigation(), [path]);
  const skip = (event: MouseEvent) => {
    event.preventDefault();
    focusMainHeading();
  };
  return (
    <div className="app">
      <a className="skip-link" href={`#${MAIN_ID}`} onClick={skip}>
        {t('shell.skipToContent')}
      </a>
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
      <main className="content" id={MAIN_ID} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
