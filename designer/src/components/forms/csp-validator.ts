import { type Schema, type SchemaDraft, Validator } from '@cfworker/json-schema';
import {
  createErrorHandler,
  type CustomValidator,
  type ErrorTransformer,
  getDefaultFormState,
  type RJSFSchema,
  toErrorSchema,
  type UiSchema,
  unwrapErrorHandler,
  type ValidationData,
  type ValidatorType,
  validationDataMerge,
} from '@rjsf/utils';
import { asPatternError, withLinearPatterns } from './linear-patterns.js';
import { type FormError, toFieldErrorSchema, toFormErrors, toRjsfErrors } from './schema-errors.js';

type Data = Record<string, unknown>;

/**
 * The draft a schema declares; 2020-12 otherwise (rjsf gets schemas without `$schema`). Unknown
 * keywords such as `x-baton-future` are ignored here: the server checks them and its 400 errors
 * land on their fields (features/tasks/error-mapping.ts).
 */
function draftOf(schema: Schema): SchemaDraft {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('draft-07')) return '7';
  if (declared.includes('draft-04')) return '4';
  if (declared.includes('2019-09')) return '2019-09';
  return '2020-12';
}

/**
 * rjsf checks sub-schemas (oneOf options, dependencies) whose `$ref`s point into the root schema:
 * validate them inside a wrapper that carries the root's definitions, so `#/$defs/x` resolves.
 */
function withRootDefinitions(schema: Schema, root: Schema): Schema {
  const wrapper: Schema = { allOf: [schema] };
  for (const key of ['$id', '$schema', '$defs', 'definitions'] as const)
    if (root[key] !== undefined) wrapper[key] = root[key];
  return wrapper;
}

// Building a Validator walks the schema; rjsf asks about the same schema objects many times.
interface Compiled {
  target: Schema | boolean;
  firstError: Validator;
  allErrors: Validator;
}
const compiled = new WeakMap<Schema, WeakMap<Schema, Compiled>>();

function compile(schema: Schema | boolean, root: Schema): Compiled {
  const build = (source: Schema | boolean): Compiled => {
    // Patterns run on RE2, never on RegExp (see linear-patterns.ts).
    const target = withLinearPatterns(source);
    return {
      target,
      firstError: new Validator(target, draftOf(root), true),
      allErrors: new Validator(target, draftOf(root), false),
    };
  };
  if (typeof schema === 'boolean') return build(schema); // `true`/`false` options: nothing to cache by
  const byRoot = compiled.get(schema) ?? new WeakMap<Schema, Compiled>();
  compiled.set(schema, byRoot);
  let entry = byRoot.get(root);
  if (!entry) {
    entry = build(schema === root ? schema : withRootDefinitions(schema, root));
    byRoot.set(root, entry);
  }
  return entry;
}

/** Form data as JSON: cfworker rejects `undefined`, which rjsf leaves for empty fields. */
export function asJson(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(asJson);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, asJson(v)]),
    );
  return value;
}

/** Every failure of `formData` against `schema` (refs resolved against `root`), Ajv-shaped. */
export function validateForm(schema: RJSFSchema, formData: unknown, root: RJSFSchema = schema): FormError[] {
  const { allErrors, target } = compile(schema as Schema, root as Schema);
  return toFormErrors(allErrors.validate(asJson(formData)).errors, target).map((e) => asPatternError(e) ?? e);
}

/**
 * rjsf's validator contract on @cfworker/json-schema, which interprets schemas without generating
 * code, so forms validate under a Content-Security-Policy without `unsafe-eval` (Ajv needs it).
 */
export const cspValidator: ValidatorType<Data, RJSFSchema> = {
  rawValidation<Result = FormError>(schema: RJSFSchema, formData?: Data) {
    try {
      return { errors: validateForm(schema, formData) as Result[] };
    } catch (error) {
      return { validationError: error instanceof Error ? error : new Error(String(error)) };
    }
  },

  isValid(schema: RJSFSchema, formData: Data | undefined, rootSchema: RJSFSchema): boolean {
    try {
      return compile(schema as Schema, rootSchema as Schema).firstError.validate(asJson(formData)).valid;
    } catch {
      return false; // an unresolvable $ref: this option cannot match
    }
  },

  validateFormData(
    formData: Data | undefined,
    schema: RJSFSchema,
    customValidate?: CustomValidator<Data, RJSFSchema>,
    transformErrors?: ErrorTransformer<Data, RJSFSchema>,
    uiSchema?: UiSchema<Data, RJSFSchema>,
  ): ValidationData<Data> {
    const raw = cspValidator.rawValidation<FormError>(schema, formData);
    const found = raw.errors ?? [];
    // cfworker appends the absolute URI and every known schema to an unresolved $ref: keep the ref.
    const broken = raw.validationError?.message.split(/\n| {2}/)[0];
    if (broken)
      found.push({ instancePath: '', schemaPath: '#', keyword: '$ref', params: {}, message: broken });
    let errors = toRjsfErrors(found);
    // Transformed errors only carry rjsf's dotted paths; untransformed ones keep exact segments.
    let errorSchema = toFieldErrorSchema<Data>(found);
    if (transformErrors) {
      errors = transformErrors(errors, uiSchema);
      errorSchema = toErrorSchema<Data>(errors);
    }
    if (!customValidate) return { errors, errorSchema };
    const newFormData = getDefaultFormState<Data, RJSFSchema>(
      cspValidator,
      schema,
      formData,
      schema,
      true,
    ) as Data;
    const handler = customValidate(newFormData, createErrorHandler<Data>(newFormData), uiSchema);
    return validationDataMerge<Data>({ errors, errorSchema }, unwrapErrorHandler<Data>(handler));
  },
};
