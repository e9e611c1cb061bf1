import { describe, expect, it } from 'vitest';
import { importFormFile } from './form-import.js';

const file = (components: unknown[], id = 'Form_Expense_01') =>
  JSON.stringify({ type: 'default', id, schemaVersion: 16, components });

describe('importFormFile', () => {
  it('reads a Camunda form into a schema and uiSchema, with a form id from the file', () => {
    // when
    const result = importFormFile(
      file([
        { type: 'textfield', id: 'f1', key: 'title', label: 'Title', validate: { required: true } },
        { type: 'spacer', id: 'gap' },
        { type: 'button', id: 'submit', action: 'submit' },
      ]),
    );
    // then
    expect(result).toEqual({
      ok: true,
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { title: { type: 'string', title: 'Title', minLength: 1 } },
        required: ['title'],
      },
      uiSchema: {},
      formId: 'form-expense-01',
      skipped: ['gap (spacer): purely visual; not shown'],
    });
  });

  it('refuses a file that is not JSON or holds components it cannot convert, naming each', () => {
    // when
    const notJson = importFormFile('{ nope');
    const withFrame = importFormFile(file([{ type: 'iframe', id: 'Frame_1', url: 'https://x' }]));
    // then
    expect(notJson.ok).toBe(false);
    expect(withFrame).toEqual({
      ok: false,
      problems: ['Frame_1 (iframe): embedded web pages are not supported'],
    });
  });

  it('gives no form id when the file has none usable', () => {
    const result = importFormFile(file([], '_'));
    expect(result).toMatchObject({ ok: true, formId: null });
  });
});
