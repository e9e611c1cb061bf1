import type { ErrorObject, KeywordDefinition, SchemaValidateFunction } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';

/**
 * A saved form: a JSON Schema (draft 2020-12 or draft-07) for the data, an rjsf uiSchema for the
 * layout, English labels in `schema`, and translations as JSON pointers into `schema`
 * (`i18n.zh["/properties/title/title"] = "标题"`), so validation rules exist exactly once.
 *
 * Baton adds one keyword to JSON Schema, `x-baton-future: true`: a `date` or `date-time` string
 * that must lie after "now" on the server's clock (a SMART goal's deadline). Servers register it
 * with {@link addBatonFormKeywords}; rjsf (non-strict Ajv) ignores it in the browser.
 */
export const FormDocumentSchema = {
  $id: 'form-document',
  type: 'object',
  required: ['formId', 'name', 'schema'],
  properties: {
    formId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' },
    name: {
      anyOf: [
        { type: 'string', minLength: 1 },
        {
          type: 'object',
          required: ['en'],
          properties: { en: { type: 'string', minLength: 1 }, zh: { type: 'string', minLength: 1 } },
          additionalProperties: false,
        },
      ],
    },
    schema: {
      type: 'object',
      required: ['type', 'properties'],
      properties: {
        $schema: { type: 'string' },
        type: { const: 'object' },
        properties: { type: 'object' },
      },
    },
    uiSchema: { type: 'object' },
    i18n: {
      type: 'object',
      description:
        'Locale -> JSON pointer into `schema` -> translated text (titles, descriptions, option labels).',
      additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  additionalProperties: false,
} as const;

/** A form document as stored and served. */
export type FormDocument = FromSchema<typeof FormDocumentSchema>;

/** The Baton keyword for "a date after today" (see {@link FormDocumentSchema}). */
export const FUTURE_KEYWORD = 'x-baton-future';

/**
 * Registers Baton's form keywords on an Ajv instance. `now` is the server's clock, so tests on a
 * virtual clock validate deadlines against virtual time.
 */
export function addBatonFormKeywords(
  ajv: { addKeyword(definition: KeywordDefinition): unknown },
  now: () => Date,
): void {
  const validate: SchemaValidateFunction = (required: unknown, data: unknown): boolean => {
    if (required !== true || typeof data !== 'string') return true;
    const current = now();
    // A bare date is in the future when it is after today's date (UTC); a date-time when after now.
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(data)
      ? data > current.toISOString().slice(0, 10)
      : Date.parse(data) > current.getTime();
    const error: Partial<ErrorObject> = {
      keyword: FUTURE_KEYWORD,
      message: 'must be a date in the future',
      params: {},
    };
    validate.errors = ok ? [] : [error];
    return ok;
  };
  ajv.addKeyword({ keyword: FUTURE_KEYWORD, type: 'string', schemaType: 'boolean', errors: true, validate });
}
