import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { type ReactNode, useState } from 'react';
import type { Json, JsonObject, Variables } from '../../api/types.js';
import { cspValidator } from './csp-validator.js';
import { checkSchemaShape } from './schema-shape.js';
import { UserPickerWidget } from './UserPickerWidget.js';

const widgets = { user: UserPickerWidget };

/** The meta-schema reference is not needed to validate, and rjsf would try to resolve it. */
export function forRjsf(schema: JsonObject): RJSFSchema {
  const { $schema: _ignored, ...rest } = schema;
  return rest as RJSFSchema;
}

/**
 * A JSON Schema form as staff see it: validation by rjsf with a code-free validator (the
 * browser's own checks are off; Ajv needs `unsafe-eval`, which the CSP forbids), live validation only after the first submit, server errors shown on their fields.
 */
export function SchemaForm({
  schema,
  uiSchema,
  formData,
  onChange,
  onSubmit,
  extraErrors,
  disabled,
  children,
  idPrefix,
}: {
  schema: JsonObject;
  uiSchema?: JsonObject | null;
  formData?: Variables;
  onChange?: (data: Variables) => void;
  onSubmit?: (data: Variables) => void;
  extraErrors?: ErrorSchema;
  disabled?: boolean;
  children?: ReactNode;
  idPrefix?: string;
}) {
  const [submitted, setSubmitted] = useState(false);
  return (
    <Form
      schema={forRjsf(schema)}
      uiSchema={(uiSchema ?? {}) as UiSchema}
      formData={formData}
      validator={cspValidator}
      widgets={widgets}
      noHtml5Validate
      showErrorList={false}
      liveValidate={submitted ? 'onChange' : false}
      extraErrors={extraErrors}
      disabled={disabled}
      idPrefix={idPrefix}
      onChange={(event) => onChange?.((event.formData ?? {}) as Variables)}
      onError={() => setSubmitted(true)}
      onSubmit={(event) => {
        setSubmitted(true);
        onSubmit?.((event.formData ?? {}) as Variables);
      }}
    >
      {children}
    </Form>
  );
}

/** Checks that a schema is well formed; returns `pointer: problem`, or null when it is usable. */
export function schemaProblem(schema: Record<string, Json>): string | null {
  if (schema.type !== undefined && schema.type !== 'object') return '/type: the root "type" must be "object"';
  return checkSchemaShape(schema);
}
