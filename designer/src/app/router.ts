import { useEffect, useState } from 'react';

/**
 * A tiny hash router: `#/tasks/42?x=1`. Hash routes need no server fallback, so any deep link
 * works against the plain static file server.
 */
export interface Location {
  path: string;
  query: URLSearchParams;
}

/** Splits a hash like `#/tasks/1?tab=x` into path and query. */
export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', qs = ''] = raw.split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(qs) };
}

/** Matches `/tasks/:id` against a path; returns the decoded params or null. */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return params;
}

/**
 * A page with unsaved work can hold navigation: `guard` answers whether leaving is fine (it may
 * ask the user). One guard at a time; the returned function removes it. Reloads and closing the
 * tab are the page's own `beforeunload` business.
 */
let leaveGuard: (() => boolean) | null = null;
export function setLeaveGuard(guard: () => boolean): () => void {
  leaveGuard = guard;
  return () => {
    if (leaveGuard === guard) leaveGuard = null;
  };
}

// Registered before any page listens (module load), so a refused hash change is undone before
// the app sees it: the other hashchange listeners never run for it, and replaceState puts the
// address back without a new event.
let currentHash = typeof window === 'undefined' ? '' : window.location.hash;
if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', (event) => {
    if (leaveGuard && window.location.hash !== currentHash && !leaveGuard()) {
      event.stopImmediatePropagation();
      window.history.replaceState(window.history.state, '', currentHash || '#/');
      return;
    }
    currentHash = window.location.hash;
  });
}

/** Goes to an in-app path (`/tasks/1`). */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const hash = `#${path}`;
  if (options.replace) window.location.replace(hash);
  else window.location.hash = hash;
}

/** Builds an href for an in-app path. */
export function href(path: string): string {
  return `#${path}`;
}

/** The current location; re-renders on hash changes. */
export function useLocation(): Location {
  const [location, setLocation] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setLocation(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return location;
}
