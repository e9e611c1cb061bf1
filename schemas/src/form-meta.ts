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

// The `url` format (deprecated, kept for old schemas) as one RE2 pattern, for the server and the
// web app alike. ajv-formats and @cfworker/json-schema write it with lookaheads that refuse private
// IPv4 hosts (10/8, 127/8, 169.254/16, 192.168/16, 172.16/12); RE2 has no lookaheads, so the
// public first octets and the excluded second octets are spelled out instead.
const OCTET_MID = String.raw`(?:1?\d{1,2}|2[0-4]\d|25[0-5])`;
const OCTET_LAST = String.raw`(?:[1-9]\d?|1\d\d|2[0-4]\d|25[0-4])`;
const PUBLIC_FIRST = String.raw`(?:[1-9]|1[1-9]|[2-9]\d|1[01]\d|12[0-689]|1[3-5]\d|16[0-8]|17[013-9]|18\d|19[013-9]|2[01]\d|22[0-3])`;
const PUBLIC_IPV4 = [
  String.raw`${PUBLIC_FIRST}\.${OCTET_MID}`,
  String.raw`169\.(?:1?\d{1,2}|2[0-4]\d|25[0-35])`,
  String.raw`192\.(?:\d{1,2}|1[0-57-9]\d|16[0-79]|2[0-4]\d|25[0-5])`,
  String.raw`172\.(?:\d|0\d|1[0-5]|3[2-9]|[4-9]\d|1\d\d|2[0-4]\d|25[0-5])`,
]
  .map((firstTwo) => String.raw`${firstTwo}\.${OCTET_MID}\.${OCTET_LAST}`)
  .join('|');
// JavaScript's `\s` (RE2's is ASCII only); the originals run with the `u` flag.
const JS_SPACE = String.raw`\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`;
const NOT_SPACE = `[^${JS_SPACE}]`;
const LABEL = String.raw`(?:[a-z0-9\x{a1}-\x{ffff}]+-)*[a-z0-9\x{a1}-\x{ffff}]+`;
const URL_HOST = String.raw`(?:${PUBLIC_IPV4}|${LABEL}(?:\.${LABEL})*\.[a-z\x{a1}-\x{ffff}]{2,})`;

/**
 * The `url` format as an RE2 pattern (compile it case-insensitive): linear in the input, where the
 * libraries' lookahead versions are quadratic (ajv-formats) or exponential (@cfworker/json-schema:
 * `http://` and 28 a's and a `!` take a second). Checked against ajv-formats' expression in the
 * server's `src/util/ajv-formats.test.ts`.
 */
export const URL_FORMAT_RE2 = String.raw`^(?:https?|ftp)://(?:${NOT_SPACE}+(?::${NOT_SPACE}*)?@)?${URL_HOST}(?::\d{2,5})?(?:/${NOT_SPACE}*)?$`;
