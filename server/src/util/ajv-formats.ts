import type { FormatsPlugin } from 'ajv-formats';
import formatsModule from 'ajv-formats';

/** ajv-formats' plugin; a CommonJS default export, reached through `.default` under NodeNext. */
export const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ??
  (formatsModule as unknown as FormatsPlugin);
