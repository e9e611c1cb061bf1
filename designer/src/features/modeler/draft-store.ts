/** Hands a diagram to the modeler page across a navigation (import, copy of a template). */
const DRAFT_KEY = 'baton.modeler.draft';

export function storeDraft(xml: string): void {
  sessionStorage.setItem(DRAFT_KEY, xml);
}

export function takeDraft(): string | null {
  return sessionStorage.getItem(DRAFT_KEY);
}

/**
 * Unsaved work on a diagram, kept in the browser (localStorage) per process until it is deployed,
 * so leaving the modeler or closing the tab loses nothing. `new` is the blank diagram's key.
 */
const LOCAL_PREFIX = 'baton.modeler.unsaved.';

export function saveLocalDraft(processId: string, xml: string): void {
  try {
    localStorage.setItem(LOCAL_PREFIX + processId, xml);
  } catch {
    // Storage full or disabled: the prompt on leaving still guards the work.
  }
}

export function localDraft(processId: string): string | null {
  try {
    return localStorage.getItem(LOCAL_PREFIX + processId);
  } catch {
    return null;
  }
}

export function dropLocalDraft(processId: string): void {
  try {
    localStorage.removeItem(LOCAL_PREFIX + processId);
  } catch {
    // Nothing kept, nothing to drop.
  }
}
