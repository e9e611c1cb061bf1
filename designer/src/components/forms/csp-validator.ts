import {
  createErrorHandler,
  type CustomValidator,
  type ErrorTransformer,
  getDefaultFormState,
  type RJSFSchema,
  type RJSFValidationError,
  toErrorSchema,
  type UiSchema,
  unwrapErrorHandler,
  type ValidationData,
  type ValidatorType,
  validationDataMerge,
} from '@rjsf/utils';
import { type SchemaError, type SchemaNode, validateSchema } from './json-schema-check.js';

type Data = Record<string, unknown>;

/** Ajv-shaped errors -> rjsf errors; a missing property is reported on the property itself. */
export function toRjsfErrors(errors: readonly SchemaError[]): RJSFValidationError[] {
  return errors.map((error) => {
    let property = error.instancePath.replace(/\//g, '.');
    if (error.keyword === 'required') property = `${property}.${String(error.params.missingProperty)}`;
    return {
      name: error.keyword,
      property,
      message: error.message,
      params: error.params,
      stack: `${property} ${error.message}`.trim(),
      schemaPath: error.schemaPath,
    };
  });
}

/**
 * rjsf's validator contract implemented on the code-free interpreter, so forms validate under a
 * strict Content-Security-Policy (no `unsafe-eval`).
 */
export const cspValidator: ValidatorType<Data, RJSFSchema> = {
  rawValidation<Result = SchemaError>(schema: RJSFSchema, formData?: Data) {
    try {
      return { errors: validateSchema(schema as SchemaNode, formData) as Result[] };
    } catch (error) {
      return { validationError: error instanceof Error ? error : new Error(String(error)) };
    }
  },

  isValid(schema: RJSFSchema, formData: Data | undefined, rootSchema: RJSFSchema): boolean {
    try {
      return validateSchema(schema as SchemaNode, formData, rootSchema as SchemaNode).length === 0;
    } catch {
      return false;
    }
  },

  validateFormData(
    formData: Data | undefined,
    schema: RJSFSchema,
    customValidate?: CustomValidator<Data, RJSFSchema>,
    transformErrors?: ErrorTransformer<Data, RJSFSchema>,
    uiSchema?: UiSchema<Data, RJSFSchema>,
  ): ValidationData<Data> {
    const raw = cspValidator.rawValidation<SchemaError>(schema, formData);
    let errors = toRjsfErrors(raw.errors ?? []);
    if (raw.validationError)
      errors.push({ stack: raw.validationError.message, message: raw.validationError.message });
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    const errorSchema = toErrorSchema<Data>(errors);
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
