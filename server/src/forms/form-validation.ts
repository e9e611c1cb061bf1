import { addBatonFormKeywords, FILE_FORMAT, FILE_ID_PATTERN, type FieldError } from '@baton/schemas';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { problems } from '../errors.js';
import { addFormats } from '../util/ajv-formats.js';
import { pointerOf } from '../util/ajv-pointer.js';
import { TOO_DEEP, tooDeep } from './json-depth.js';
import { linearRegExp, patternProblems, UnsupportedPatternError } from './linear-patterns.js';

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const DRAFT_2020 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

type Dialect = 'draft-07' | '2020-12';

function dialectOf(schema: Record<string, unknown>): Dialect | null {
  const declared = schema.$schema;
  if (declared === undefined) return '2020-12';
  if (typeof declared !== 'string') return null;
  if (DRAFT_07.test(declared)) return 'draft-07';
  if (DRAFT_2020.test(declared)) return '2020-12';
  return null;
}

// A fresh Ajv per form version: form schemas may carry an `$id`, and one Ajv refuses a second
// schema with the same id (the next version of the same form would).
function newAjv(dialect: Dialect, now: () => Date = () => new Date()): Ajv {
  const opts = {
    allErrors: true,
    strict: false,
    allowUnionTypes: true,
    logger: false as const,
    // `pattern` and `patternProperties` run on RE2: linear in the input, whatever the pattern.
    code: { regExp: linearRegExp },
  };
  const ajv = dialect === '2020-12' ? new Ajv2020(opts) : new Ajv(opts);
  addFormats(ajv);
  addBatonFormKeywords(ajv, now);
  // A file field holds the id of an upload; whose file it is, is checked apart (form-data.ts).
  ajv.addFormat(FILE_FORMAT, FILE_ID_PATTERN);
  return ajv;
}

/** Problems of a form's JSON Schema, each with the pointer of the fault inside the schema (empty when fine). */
export function checkFormSchema(schema: Record<string, unknown>): FieldError[] {
  const deep = tooDeep(schema);
  if (deep !== null) {
    return [{ pointer: deep, message: TOO_DEEP }];
  }
  const dialect = dialectOf(schema);
  if (!dialect) {
    return [{ pointer: '/$schema', message: 'only draft 2020-12 and draft-07 schemas are supported' }];
  }
  const ajv = newAjv(dialect);
  if (!ajv.validateSchema(schema)) {
    return (ajv.errors ?? []).map((e) => ({ pointer: pointerOf(e), message: e.message ?? 'invalid' }));
  }
  const unsupported = patternProblems(schema);
  if (unsupported.length > 0) return unsupported;
  try {
    ajv.compile(schema);
    return [];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const ref = /reference (\S+)/.exec(message);
    return [{ pointer: ref?.[1]?.startsWith('#') ? ref[1].slice(1) : '', message }];
  }
}

/**
 * Compiles and caches one validator per form version (form versions never change). `now` is the
 * engine's clock, so "a date in the future" follows virtual time in tests.
 */
export function createFormValidators(now: () => Date) {
  const cache = new Map<string, ValidateFunction>();
  return {
    /** Every problem of `data` against the form, as pointer + message (empty when valid). */
    validate(
      form: { formId: string; version: number; schema: Record<string, unknown> },
      data: unknown,
    ): FieldError[] {
      const key = `${form.formId}@${form.version}`;
      let validate = cache.get(key);
      if (!validate) {
        try {
          validate = newAjv(dialectOf(form.schema) ?? '2020-12', now).compile(form.schema);
        } catch (err) {
          // Saved before patterns were checked on save (or by a newer server): not the caller's fault.
          if (!(err instanceof UnsupportedPatternError)) throw err;
          throw problems.conflict(
            'FORM_SCHEMA_UNSUPPORTED',
            `The form '${form.formId}' (version ${form.version}) has a pattern this server cannot run; save a new version`,
          );
        }
        if (cache.size > 1000) cache.clear();
        cache.set(key, validate);
      }
      if (validate(data)) return [];
      return (validate.errors ?? []).map((e) => ({ pointer: pointerOf(e), message: e.message ?? 'invalid' }));
    },
  };
}

export type FormValidators = ReturnType<typeof createFormValidators>;
