import type { KeyboardEvent } from 'react';

/**
 * Keyboard use of a tab list (WAI-ARIA tabs pattern, roving tabindex): only the selected tab is in
 * the Tab order (`tabIndex` 0, the others -1); Left/Right arrows move to the previous/next tab,
 * Home/End to the first/last, wrapping around, and select it. Put on the element with
 * `role="tablist"`, whose `role="tab"` children are buttons that select on click.
 */
export function onTabListKeyDown(event: KeyboardEvent<HTMLElement>): void {
  const tabs = [...event.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')];
  const at = tabs.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  const next =
    event.key === 'ArrowRight'
      ? (at + 1) % tabs.length
      : event.key === 'ArrowLeft'
        ? (at - 1 + tabs.length) % tabs.length
        : event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? tabs.length - 1
            : -1;
  if (next < 0) return;
  event.preventDefault();
  tabs[next]?.focus();
  tabs[next]?.click();
}

/** The tabIndex of a tab under the roving scheme. */
export function tabIndexOf(selected: boolean): 0 | -1 {
  return selected ? 0 : -1;
}
