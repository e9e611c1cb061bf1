/** The app's main region (see Layout): where the skip link and navigations send focus. */
export const MAIN_ID = 'main-content';

/**
 * Focuses the page's main heading, else the main region; true when a heading took the focus. Only a
 * shown heading counts: while a lazy page loads, React keeps the previous page hidden in the
 * document, and focusing its hidden heading does nothing.
 */
export function focusMainHeading(): boolean {
  const heading = [...document.querySelectorAll<HTMLElement>(`#${MAIN_ID} h1`)].find(
    (h) => h.getClientRects().length > 0,
  );
  const target = heading ?? document.getElementById(MAIN_ID);
  if (!target) return false;
  if (heading && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  target.focus({ preventScroll: true });
  return heading !== undefined && document.activeElement === heading;
}

/**
 * After an action whose button goes away (Claim), focus would fall to the page's body and a
 * keyboard or screen reader user would start over from the top: put it on the main heading.
 */
export function refocusIfLost(): void {
  // The button goes when the page has reloaded the task, a moment after the action: watch briefly.
  let tries = 0;
  const timer = window.setInterval(() => {
    tries += 1;
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) {
      focusMainHeading();
      window.clearInterval(timer);
    } else if (tries > 30) window.clearInterval(timer);
  }, 50);
}
