import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { type ReactNode, useMemo, useState } from 'react';
import type { Json, JsonObject, Variables } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { cspValidator } from './csp-validator.js';
import { humanMessage, localizeSchema, withUserPickers } from './form-data.js';
import { checkSchemaShape } from './schema-shape.js';
import { UserPickerWidget } from './UserPickerWidget.js';
import { FileWidget } from './FileWidget.js';
import { FILE_FORMAT } from '@baton/schemas';

// rjsf picks a string field's widget by its `format` when one of that name is registered.
const widgets = { user: UserPickerWidget, [FILE_FORMAT]: FileWidget };

/** The meta-schema reference is not needed to validate, and rjsf would try to resolve it. */
export function forRjsf(schema: JsonObject): RJSFSchema {
  const { $schema: _ignored, ...rest } = schema;
  return rest as RJSFSchema;
}

/**
 * A JSON Schema form as staff see it: validation by rjsf with a code-free validator (the
 * browser's own checks are off; Ajv needs `unsafe-eval`, which the CSP forbids), live validation only after the first submit, server errors shown on their fields.
 * `texts` (JSON pointer -> text, the form's `i18n` entry for the current language) relabels the
 * fields; validation messages are worded in the current language with the field's title; fields
 * marked `"ui:options": { "userPicker": true }` pick a user.
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
  texts,
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
  texts?: Record<string, string> | null;
}) {
  const { t } = useI18n();
  const [submitted, setSubmitted] = useState(false);
  const shown = useMemo(() => localizeSchema(schema, texts), [schema, texts]);
  const ui = useMemo(() => withUserPickers(uiSchema) as UiSchema, [uiSchema]);
  return (
    <Form
      schema={forRjsf(shown)}
      uiSchema={ui}
      transformErrors={(errors) =>
        errors.map((error) => {
          const { key, params } = humanMessage(error, shown);
          const message = t(key, params);
          return { ...error, message, stack: message };
        })
      }
      formData={formData}
      validator={cspValidator}
      widgets={widgets}
      noHtml5Validate
      // rjsf fills `const` fields by default: an acknowledgement (`const: true`) would open ticked.
      experimental_defaultFormStateBehavior={{ constAsDefaults: 'never' }}
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
