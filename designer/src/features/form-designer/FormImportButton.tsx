import { useRef } from 'react';
import { useI18n } from '../../app/i18n.js';
import { type FormFileImport, importFormFile } from './form-import.js';

/** The largest `.form` file read; the server refuses larger form documents anyway. */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Imports a Camunda Modeler `.form` file (a Camunda Form) into the form designer: the file is
 * converted in the browser and handed on, converted or with the problems that stop it.
 */
export function FormImportButton({ onImport }: { onImport: (result: FormFileImport) => void }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const read = async (file: File) => {
    if (file.size > MAX_FILE_BYTES) {
      onImport({ ok: false, problems: [t('forms.importTooLarge')] });
      return;
    }
    onImport(importFormFile(await file.text()));
  };
  return (
    <>
      <button
        type="button"
        className="btn"
        data-testid="import-form-file"
        onClick={() => input.current?.click()}
      >
        {t('forms.importFormJs')}
      </button>
      <input
        ref={input}
        type="file"
        accept=".form,application/json"
        hidden
        aria-label={t('forms.importFormJs')}
        data-testid="import-form-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void read(file);
        }}
      />
    </>
  );
}
