/** Hands a diagram to the modeler page across a navigation (import, copy of a template). */
const DRAFT_KEY = 'baton.modeler.draft';

export function storeDraft(xml: string): void {
  sessionStorage.setItem(DRAFT_KEY, xml);
}

export function takeDraft(): string | null {
  return sessionStorage.getItem(DRAFT_KEY);
}
