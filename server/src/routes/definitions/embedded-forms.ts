import { isDeepStrictEqual } from 'node:util';
import type { EmbeddedForm } from '@baton/engine';
import type { DeployIssueDto } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { checkFormSchema } from '../../forms/form-validation.js';

/**
 * The embedded Camunda Forms of a deploy, as the engine converted them, are saved as ordinary
 * forms, so their tasks render and validate them like any Baton form. Their ids come from their
 * source (see the engine's `embedded-forms.ts`): saving one whose latest version already holds the
 * converted content is skipped. The save runs after every check has passed and just before the
 * deploy's own transaction; should that transaction still fail, an unused form is left behind,
 * which the next deploy of the same file reuses.
 */

/** What the engine converted but this server cannot run (a pattern RE2 refuses, say), per task. */
export function embeddedFormIssues(forms: readonly EmbeddedForm[]): DeployIssueDto[] {
  const issues: DeployIssueDto[] = [];
  for (const form of forms) {
    for (const problem of checkFormSchema(form.schema)) {
      for (const elementId of form.elementIds) {
        issues.push({
          elementId,
          code: 'form.unsupported',
          message: `embedded form '${form.key}', field at ${problem.pointer || '/'}: ${problem.message}`,
        });
      }
    }
  }
  return issues;
}

/**
 * Saves each converted form that no earlier deploy saved. A form whose latest version under that
 * id differs (someone saved over it) gets the converted content back as a new version: the id
 * names that content.
 */
export async function saveEmbeddedForms(
  app: FastifyInstance,
  forms: readonly EmbeddedForm[],
  actor: string,
): Promise<void> {
  for (const form of forms) {
    const latest = await app.store.forms.get(form.formId);
    if (
      latest &&
      isDeepStrictEqual(latest.schema, form.schema) &&
      isDeepStrictEqual(latest.uiSchema, form.uiSchema)
    )
      continue;
    try {
      await app.store.forms.save({
        formId: form.formId,
        name: form.name,
        schema: form.schema,
        uiSchema: form.uiSchema,
        createdBy: actor,
      });
    } catch (err) {
      // A concurrent deploy of the same form saved it first: the same content under the same id.
      if ((await app.store.forms.existing([form.formId])).size === 0) throw err;
    }
  }
}
