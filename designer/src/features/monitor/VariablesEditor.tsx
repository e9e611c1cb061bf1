import { useState } from 'react';
import { api } from '../../api/client.js';
import type { Variables } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';

/** Parses the editor's text; only a JSON object can be a set of variables. */
export function parseVariables(text: string): Variables {
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
  return value as Variables;
}

/**
 * An instance's variables, and for managers a JSON editor to change them (to fix the data an
 * incident stopped on, say). Only the names in the edited object are written; others stay.
 */
export function VariablesEditor({
  instanceId,
  variables,
  editable,
  onSaved,
}: {
  instanceId: string;
  variables: Variables;
  editable: boolean;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const shown = JSON.stringify(variables, null, 2);

  const save = async () => {
    setError(null);
    try {
      await api.patch(`/api/instances/${instanceId}/variables`, { variables: parseVariables(text ?? '{}') });
      setText(null);
      onSaved();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <div className="card">
      <div className="card-head">
        <h2>{t('instances.variables')}</h2>
        {editable && text === null ? (
          <button
            type="button"
            className="btn btn-small"
            data-testid="edit-variables"
            onClick={() => setText(shown)}
          >
            {t('instances.editVariables')}
          </button>
        ) : null}
      </div>
      {text === null ? (
        <pre className="json" data-testid="variables">
          {shown}
        </pre>
      ) : (
        <>
          <textarea
            className="json-editor"
            rows={8}
            value={text}
            aria-label={t('instances.variables')}
            data-testid="variables-editor"
            onChange={(e) => setText(e.target.value)}
          />
          <ErrorMessage error={error} />
          <div className="form-buttons">
            <button type="button" className="btn btn-ghost" onClick={() => setText(null)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="save-variables"
              onClick={() => void save()}
            >
              {t('instances.saveVariables')}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
