import type { Engine } from '@baton/engine';
import { templates as exampleTemplates } from '@baton/examples';
import { checkFormSchema } from '../forms/form-validation.js';
import { withFieldOrder } from '../persistence/forms.js';
import type { Store } from '../persistence/store.js';

/** One form a template ships. */
export interface TemplateForm {
  readonly formId: string;
  readonly name: string | { en: string; zh?: string };
  readonly schema: Record<string, unknown>;
  readonly uiSchema?: Record<string, unknown>;
  readonly i18n?: Record<string, Record<string, string>>;
}

/**
 * What the server needs of a template: the manifest (template.json), the BPMN and its forms.
 * `@baton/examples`' `Template` fits it; tests pass small ones of their own.
 */
export interface TemplateBundle {
  readonly manifest: { readonly id: string } & Readonly<Record<string, unknown>>;
  readonly xml: string;
  readonly forms: readonly TemplateForm[];
}

/** The built-in templates of `@baton/examples`. */
export function builtInTemplates(): readonly TemplateBundle[] {
  return exampleTemplates;
}

/** JSON with sorted keys: jsonb reorders keys, so plain `JSON.stringify` would see false changes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface InstallOutcome {
  readonly id: string;
  readonly deployed: readonly { processId: string; version: number; isNew: boolean }[];
  readonly formsSaved: number;
  readonly error?: string;
}

/**
 * Installs templates idempotently: a form is saved as a new version only when it changed, and a
 * BPMN deploys as a new version only when its content changed (running instances keep theirs).
 * A template that fails is reported and skipped; the others still install.
 */
export async function installTemplates(
  engine: Engine,
  store: Store,
  templates: readonly TemplateBundle[],
): Promise<InstallOutcome[]> {
  const outcomes: InstallOutcome[] = [];
  for (const t of templates) {
    try {
      // Checked as a form saved through the API is (patterns RE2 cannot run included), all forms
      // before any is saved, so a bad template leaves nothing behind.
      for (const form of t.forms) {
        const faults = checkFormSchema(form.schema);
        if (faults.length > 0) {
          const where = faults.map((f) => `/schema${f.pointer}: ${f.message}`).join('; ');
          throw new Error(`form '${form.formId}' is invalid: ${where}`);
        }
      }
      let formsSaved = 0;
      for (const form of t.forms) {
        const latest = await store.forms.get(form.formId);
        const same =
          latest &&
          canonical(latest.name) === canonical(form.name) &&
          canonical(latest.schema) === canonical(form.schema) &&
          canonical(latest.uiSchema) === canonical(withFieldOrder(form.schema, form.uiSchema)) &&
          canonical(latest.i18n) === canonical(form.i18n ?? null);
        if (!same) {
          await store.forms.save({ ...form, uiSchema: form.uiSchema ?? {}, createdBy: 'system' });
          formsSaved++;
        }
      }
      const result = await engine.deploy(t.xml, { actor: 'system' });
      outcomes.push({
        id: t.manifest.id,
        formsSaved,
        deployed: result.definitions.map((d) => ({
          processId: d.processId,
          version: d.version,
          isNew: d.isNew,
        })),
      });
    } catch (err) {
      outcomes.push({
        id: t.manifest.id,
        formsSaved: 0,
        deployed: [],
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return outcomes;
}
