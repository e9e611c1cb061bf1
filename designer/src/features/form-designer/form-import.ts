import { convertFormJs, type FormJsIssue } from '@baton/schemas';
import type { Json } from '../../api/types.js';

type JsonObject = Record<string, Json>;

/** A `.form` file (a Camunda Form, form-js JSON) read for the form designer. */
export type FormFileImport =
  | {
      readonly ok: true;
      readonly schema: JsonObject;
      readonly uiSchema: JsonObject;
      /** A form id derived from the file's own id (`Form_0x1` -> `form-0x1`), when it gives one. */
      readonly formId: string | null;
      /** Components skipped because they only change the look. */
      readonly skipped: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly string[] };

const describe = (issue: FormJsIssue) => `${issue.componentId} (${issue.componentType}): ${issue.message}`;

/**
 * Converts the text of a `.form` file with the converter the server uses for embedded forms, so an
 * imported form validates exactly as the same form embedded in a process would. The file is
 * refused whole when any component cannot be converted: the problems name each one.
 */
export function importFormFile(text: string): FormFileImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [err instanceof Error ? err.message : String(err)] };
  }
  const result = convertFormJs(json);
  if (result.problems.length > 0) return { ok: false, problems: result.problems.map(describe) };
  return {
    ok: true,
    schema: result.schema as JsonObject,
    uiSchema: result.uiSchema as JsonObject,
    formId: result.id === undefined ? null : formIdOf(result.id),
    skipped: result.warnings.map(describe),
  };
}

/** A form-js id as a Baton form id (lower case, dashes), or null when nothing usable is left. */
function formIdOf(id: string): string | null {
  const slug = id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return /^[a-z0-9][a-z0-9-]{1,62}$/.test(slug) ? slug : null;
}
