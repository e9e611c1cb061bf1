import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import { ApiError } from '../../api/problem.js';
import { asJson, type FormRecord, type Json } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { localized } from '../../app/i18n-core.js';
import { onTabListKeyDown, tabIndexOf } from '../../app/roving-tabs.js';
import { navigate, useLocation } from '../../app/router.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { SchemaForm, schemaProblem } from '../../components/forms/SchemaForm.js';
import { Loading } from '../../components/Loading.js';
import { buildForm, checkFields, type FieldDef, formLevelUi, parseForm } from './field-model.js';
import { AddFieldBar, FieldList } from './FieldEditor.js';
import { FormImportButton } from './FormImportButton.js';
import type { FormFileImport } from './form-import.js';

type JsonObject = Record<string, Json>;

function parseObject(text: string): JsonObject {
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
  return value as JsonObject;
}

/** Builder and raw JSON editor for one form, with a live preview, versions and save. */
export function FormDesignerPage({ formId: routeFormId }: { formId: string }) {
  const { t, locale } = useI18n();
  const isNew = routeFormId === 'new';
  const [formId, setFormId] = useState(isNew ? '' : routeFormId);
  const [name, setName] = useState('');
  // A bilingual name is kept as it is unless the designer edits the shown text.
  const [loadedName, setLoadedName] = useState<FormRecord['name'] | null>(null);
  const [fields, setFields] = useState<FieldDef[]>([]);
  const [mode, setMode] = useState<'builder' | 'raw'>('builder');
  const [rawSchema, setRawSchema] = useState('{}');
  const [rawUi, setRawUi] = useState('{}');
  const [latestVersion, setLatestVersion] = useState(0);
  const [shownVersion, setShownVersion] = useState<number | null>(null);
  const [loading, setLoading] = useState(!isNew);
  const [error, setError] = useState<unknown>(null);
  // A new form is saved, then the page reopens under its id: the notice travels in the query.
  const savedVersion = useLocation().query.get('saved');
  const [notice, setNotice] = useState<string | null>(
    savedVersion ? t('forms.saved', { version: savedVersion }) : null,
  );
  const [previewData, setPreviewData] = useState({});
  // Form-level uiSchema settings the builder does not edit, carried through its rebuilds.
  const [uiExtras, setUiExtras] = useState<JsonObject>({});
  // The form's translations (locale -> JSON pointer -> text): shown in the preview, kept on save.
  const [i18n, setI18n] = useState<FormRecord['i18n']>(undefined);

  const load = (version?: number) => {
    setLoading(true);
    api
      .get<FormRecord>(`/api/forms/${encodeURIComponent(routeFormId)}`, { version })
      .then((form) => {
        setLoadedName(form.name);
        setName(localized(form.name, locale));
        setFields(parseForm(asJson(form.schema), asJson(form.uiSchema)));
        setUiExtras(formLevelUi(asJson(form.uiSchema)));
        setI18n(form.i18n);
        setRawSchema(JSON.stringify(form.schema, null, 2));
        setRawUi(JSON.stringify(form.uiSchema ?? {}, null, 2));
        if (version === undefined) setLatestVersion(form.version);
        setShownVersion(form.version);
      })
      .catch(setError)
      .finally(() => setLoading(false));
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per form id (the page is keyed by it).
  useEffect(() => {
    if (!isNew) load();
  }, []);

  // The form currently described: by the builder, or by the raw JSON when that tab is in use.
  const current = useMemo((): { schema: JsonObject; uiSchema: JsonObject; problem: string | null } => {
    if (mode === 'builder') {
      const built = buildForm(fields, name || undefined);
      const uiSchema = { ...uiExtras, ...built.uiSchema };
      const problems = checkFields(fields);
      return {
        schema: built.schema,
        uiSchema,
        problem: problems.length ? problems.join('; ') : schemaProblem(built.schema),
      };
    }
    try {
      const schema = parseObject(rawSchema);
      const uiSchema = parseObject(rawUi);
      return { schema, uiSchema, problem: schemaProblem(schema) };
    } catch (failure) {
      return {
        schema: {},
        uiSchema: {},
        problem: failure instanceof Error ? failure.message : String(failure),
      };
    }
  }, [mode, fields, name, rawSchema, rawUi, uiExtras]);

  const switchMode = (next: 'builder' | 'raw') => {
    if (next === mode) return;
    if (next === 'raw') {
      setRawSchema(JSON.stringify(current.schema, null, 2));
      setRawUi(JSON.stringify(current.uiSchema, null, 2));
    } else if (!current.problem) {
      setFields(parseForm(current.schema, current.uiSchema));
      setUiExtras(formLevelUi(current.uiSchema));
    } else return;
    setMode(next);
  };

  // An imported Camunda form opens in the JSON tab: the builder cannot show its conditions.
  const importForm = (result: FormFileImport) => {
    setError(null);
    setNotice(null);
    if (!result.ok) {
      setError(new Error(t('forms.importFailed', { problems: result.problems.join('; ') })));
      return;
    }
    setRawSchema(JSON.stringify(result.schema, null, 2));
    setRawUi(JSON.stringify(result.uiSchema, null, 2));
    setMode('raw');
    if (isNew && !formId && result.formId) setFormId(result.formId);
    const skipped = result.skipped.length
      ? ` ${t('forms.importSkipped', { list: result.skipped.join('; ') })}`
      : '';
    setNotice(`${t('forms.imported')}${skipped}`);
  };

  const save = async () => {
    setError(null);
    setNotice(null);
    try {
      const saved = await api.post<FormRecord>('/api/forms', {
        formId,
        name: loadedName && localized(loadedName, locale) === name ? loadedName : name || formId,
        schema: current.schema,
        uiSchema: current.uiSchema,
        ...(i18n ? { i18n } : {}),
      });
      setNotice(t('forms.saved', { version: saved.version }));
      setLatestVersion(saved.version);
      setShownVersion(saved.version);
      if (isNew)
        navigate(`/forms/${encodeURIComponent(saved.formId ?? formId)}?saved=${saved.version}`, {
          replace: true,
        });
    } catch (failure) {
      if (failure instanceof ApiError && failure.errors.length > 0)
        setError(new Error(failure.errors.map((e) => `${e.pointer || '/'}: ${e.message}`).join('; ')));
      else setError(failure);
    }
  };

  if (loading) return <Loading />;
  const versions = Array.from({ length: latestVersion }, (_, i) => latestVersion - i);
  return (
    <section className="page form-designer">
      <div className="page-head">
        <h1>{isNew ? t('forms.new') : t('forms.edit', { id: formId })}</h1>
        {versions.length > 0 ? (
          <label className="inline-field">
            {t('forms.versions')}
            <select value={shownVersion ?? ''} onChange={(e) => load(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                  {v === latestVersion ? ` (${t('forms.latest')})` : ''}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <FormImportButton onImport={importForm} />
        <button
          type="button"
          className="btn btn-primary"
          disabled={!formId || !!current.problem}
          onClick={() => void save()}
          data-testid="save-form"
        >
          {t('forms.save')}
        </button>
      </div>
      {notice ? (
        <div className="alert alert-info" role="status" data-testid="form-notice">
          {notice}
        </div>
      ) : null}
      <ErrorMessage error={error} />
      <div className="grid-2 form-meta">
        <label className="field">
          <span>{t('forms.formId')}</span>
          <input
            value={formId}
            disabled={!isNew}
            data-testid="form-id"
            placeholder="expense-claim"
            onChange={(e) => setFormId(e.target.value.trim())}
          />
        </label>
        <label className="field">
          <span>{t('forms.name')}</span>
          <input value={name} data-testid="form-name" onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      <div className="designer-columns">
        <div className="designer-editor">
          <div className="tabs" role="tablist" onKeyDown={onTabListKeyDown}>
            <button
              type="button"
              role="tab"
              aria-selected={mode === 'builder'}
              tabIndex={tabIndexOf(mode === 'builder')}
              data-testid="form-tab-builder"
              className={mode === 'builder' ? 'tab active' : 'tab'}
              onClick={() => switchMode('builder')}
            >
              {t('forms.builder')}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={mode === 'raw'}
              tabIndex={tabIndexOf(mode === 'raw')}
              data-testid="form-tab-raw"
              className={mode === 'raw' ? 'tab active' : 'tab'}
              onClick={() => switchMode('raw')}
            >
              {t('forms.raw')}
            </button>
          </div>
          {mode === 'builder' ? (
            <>
              <FieldList fields={fields} onChange={setFields} />
              {fields.length === 0 ? <p className="muted">{t('forms.noFields')}</p> : null}
              <AddFieldBar fields={fields} onChange={setFields} />
            </>
          ) : (
            <div className="raw-editor">
              <label className="field">
                <span>JSON Schema</span>
                <textarea
                  rows={16}
                  spellCheck={false}
                  value={rawSchema}
                  onChange={(e) => setRawSchema(e.target.value)}
                />
              </label>
              <label className="field">
                <span>uiSchema</span>
                <textarea
                  rows={6}
                  spellCheck={false}
                  value={rawUi}
                  onChange={(e) => setRawUi(e.target.value)}
                />
              </label>
            </div>
          )}
          {current.problem ? (
            <div className="alert alert-warn" data-testid="schema-problem">
              {t('forms.schemaProblem')}: {current.problem}
            </div>
          ) : (
            <div className="alert alert-ok">{t('forms.schemaOk')}</div>
          )}
        </div>
        <div className="designer-preview">
          <h2>{t('forms.preview')}</h2>
          {current.problem ? null : (
            <SchemaForm
              key={JSON.stringify(current.schema)}
              schema={current.schema}
              uiSchema={current.uiSchema}
              formData={previewData}
              onChange={setPreviewData}
              idPrefix="preview"
              texts={i18n?.[locale] ?? null}
            >
              <button type="submit" className="btn">
                {t('forms.tryValidate')}
              </button>
            </SchemaForm>
          )}
        </div>
      </div>
    </section>
  );
}
