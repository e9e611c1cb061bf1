import { fileURLToPath } from 'node:url';
import { loadTemplate, type Template } from './load.js';

export type { Template, TemplateForm } from './load.js';
export { loadTemplate, translate } from './load.js';

/** The built-in template ids, in gallery order (practices 1-5, then conflict mediation). */
export const TEMPLATE_IDS = [
  'goal-charter',
  'weekly-sync',
  'training-cycle',
  'work-request',
  'monthly-review',
  'conflict-mediation',
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

// The template folders sit beside src/ and dist/, so `../<id>/` works from either.
const templateDir = (id: string): string => fileURLToPath(new URL(`../${id}/`, import.meta.url));

/** Every built-in template, read once at import time. */
export const templates: readonly Template[] = TEMPLATE_IDS.map((id) => loadTemplate(templateDir(id)));

/** The built-in template with this id, or undefined. */
export function getTemplate(id: string): Template | undefined {
  return templates.find((t) => t.manifest.id === id);
}
