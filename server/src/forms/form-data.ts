import type { FieldError } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { problems } from '../errors.js';
import { checkFileReferences, type FileSubmission } from '../files/attachments.js';
import { fileFields } from './file-fields.js';

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a uiSchema node picks a person: `"ui:widget": "user"` or `"ui:options": { "userPicker": true }`. */
function picksPerson(ui: Record<string, Json>): boolean {
  const options = ui['ui:options'];
  return ui['ui:widget'] === 'user' || (isObject(options) && options.userPicker === true);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The usernames the data gives in person fields, with the JSON pointer of each: the uiSchema is
 * walked beside the data (object properties by name, array items through `items`).
 */
export function personFields(
  uiSchema: Json,
  data: Json,
  pointer = '',
): { pointer: string; username: string }[] {
  if (!isObject(uiSchema)) return [];
  if (picksPerson(uiSchema) && typeof data === 'string' && data !== '') return [{ pointer, username: data }];
  const found: { pointer: string; username: string }[] = [];
  if (Array.isArray(data) && isObject(uiSchema.items)) {
    data.forEach((item, i) => {
      found.push(...personFields(uiSchema.items, item, `${pointer}/${i}`));
    });
  } else if (isObject(data)) {
    for (const [key, ui] of Object.entries(uiSchema)) {
      if (key.startsWith('ui:') || !(key in data)) continue;
      found.push(...personFields(ui, data[key], `${pointer}/${escapePointer(key)}`));
    }
  }
  return found;
}

/** Every person field that names no active user, as field errors (one query for all names). */
async function unknownPeople(app: FastifyInstance, uiSchema: Json, data: Json): Promise<FieldError[]> {
  const fields = personFields(uiSchema, data);
  if (fields.length === 0) return [];
  const known = await app.store.users.activeUsernames(fields.map((f) => f.username));
  return fields
    .filter((f) => !known.has(f.username))
    .map((f) => ({ pointer: f.pointer, message: `No active user is named '${f.username}'` }));
}

/**
 * Checks submitted data against the latest version of a form; a 400 with every error as a JSON
 * pointer when it does not match. A form id with no saved form is a 409 (the process names a form
 * that was never saved), never a silent pass. Person fields (the user picker) must name an
 * existing, active user. With `files`, file fields must name files the submitter may hand in
 * (see `checkFileReferences`); without, file fields are only checked for their form.
 */
export async function assertMatchesForm(
  app: FastifyInstance,
  formId: string | null,
  data: unknown,
  files?: FileSubmission,
): Promise<void> {
  if (!formId) return;
  const form = await app.store.forms.get(formId);
  if (!form) throw problems.conflict('FORM_MISSING', `The form '${formId}' this step uses does not exist`);
  const errors = app.formValidators.validate(form, data);
  if (errors.length > 0) throw problems.formDataInvalid(errors);
  const people = await unknownPeople(app, form.uiSchema, data);
  if (people.length > 0) throw problems.formDataInvalid(people);
  if (files) {
    const fileErrors = await checkFileReferences(app, files, fileFields(form.schema, data));
    if (fileErrors.length > 0) throw problems.formDataInvalid(fileErrors);
  }
}
