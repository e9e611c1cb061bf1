import type { FormatsPlugin } from 'ajv-formats';
import formatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { URL_FORMAT_RE2 } from '@baton/schemas';
import { RE2JS } from 're2js';

/** ajv-formats' plugin; a CommonJS default export, reached through `.default` under NodeNext. */
const ajvFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ??
  (formatsModule as unknown as FormatsPlugin);

type Check = (text: string) => boolean;

/** RE2 of one of ajv-formats' own expressions, same source and case flag: linear in the input. */
function linear(source: RegExp): Check {
  const re = RE2JS.compile(
    RE2JS.translateRegExp(source.source),
    source.flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0,
  );
  return (text) => re.testExact(text);
}

/** The expression ajv-formats gives a format, when it is a plain regular expression. */
function sourceOf(name: keyof typeof fullFormats): RegExp {
  const format: unknown = fullFormats[name];
  const re = format instanceof RegExp ? format : (format as { validate?: unknown } | undefined)?.validate;
  if (!(re instanceof RegExp)) throw new Error(`ajv-formats' ${name} is no longer a regular expression`);
  return re;
}

// Three of ajv-formats' expressions use lookarounds, which RE2 lacks; each is rewritten without
// them and checked against the original in src/util/ajv-formats.test.ts.

// duration: `^P(?!$)...T(?=\d)...$`. "P" alone and a "T" with nothing after it are the two cases
// the lookaheads exclude.
const durationBody = linear(/^P((\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?|(\d+W)?)$/);
const duration: Check = (text) => text !== 'P' && !text.endsWith('T') && durationBody(text);

// hostname: `^(?=.{1,253}\.?$)...`: at most 253 characters, plus an optional final dot.
const hostnameBody = linear(
  /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i,
);
const hostname: Check = (text) =>
  (text.length <= 253 || (text.length === 254 && text.endsWith('.'))) && hostnameBody(text);

// url (deprecated in ajv-formats, kept for old schemas): ajv-formats' own expression is quadratic
// (`http://` and 8,000 `1:` take 0.4 s); the web app runs the same RE2 pattern.
const urlRe = RE2JS.compile(URL_FORMAT_RE2, RE2JS.CASE_INSENSITIVE);
const url: Check = (text) => urlRe.testExact(text);

/**
 * The regular-expression formats, on RE2. The others (date, time, date-time, uri, regex, byte
 * and the number formats) are functions or expressions whose cost is linear already: a fixed
 * shape, or a `new RegExp` compile of the text without running it.
 */
const LINEAR_FORMATS: Record<string, Check> = {
  duration,
  hostname,
  url,
  ...Object.fromEntries(
    (
      [
        'uri-reference',
        'uri-template',
        'email',
        'ipv4',
        'ipv6',
        'uuid',
        'json-pointer',
        'json-pointer-uri-fragment',
        'relative-json-pointer',
      ] as const
    ).map((name) => [name, linear(sourceOf(name))]),
  ),
};

/** The original expression of a format this module replaces (for the equivalence test). */
export const ORIGINAL_FORMATS: Readonly<Record<string, unknown>> = fullFormats;
/** The linear replacements, by format name. */
export const linearFormats: Readonly<Record<string, Check>> = LINEAR_FORMATS;

/**
 * ajv-formats' full formats, with every format checked by a regular expression running on RE2,
 * so no string a user types takes more than linear time to check (ajv-formats' `url` was
 * quadratic).
 */
export function addFormats(ajv: Parameters<FormatsPlugin>[0]): void {
  ajvFormats(ajv);
  for (const [name, validate] of Object.entries(LINEAR_FORMATS))
    ajv.addFormat(name, { type: 'string', validate });
}
