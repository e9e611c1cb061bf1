import type { FastifyInstance } from 'fastify';
import { problems } from '../errors.js';

/**
 * Checks submitted data against the latest version of a form; a 400 with every error as a JSON
 * pointer when it does not match. A form id with no saved form is a 409 (the process names a form
 * that was never saved), never a silent pass.
 */
export async function assertMatchesForm(
  app: FastifyInstance,
  formId: string | null,
  data: unknown,
): Promise<void> {
  if (!formId) return;
  const form = await app.store.forms.get(formId);
  if (!form) throw problems.conflict('FORM_MISSING', `The form '${formId}' this step uses does not exist`);
  const errors = app.formValidators.validate(form, data);
  if (errors.length > 0) throw problems.formDataInvalid(errors);
}
