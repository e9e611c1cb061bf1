import { useState } from 'react';
import { useI18n } from '../../app/i18n.js';
import { FIELD_KINDS, type FieldDef, type FieldKind, isContainer, newField } from './field-model.js';

function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Buttons that add a field of each kind to a list. */
export function AddFieldBar({
  fields,
  onChange,
}: {
  fields: FieldDef[];
  onChange: (next: FieldDef[]) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="add-field-bar">
      <span className="muted">{t('forms.add')}</span>
      {FIELD_KINDS.map((kind) => (
        <button
          key={kind}
          type="button"
          className="chip"
          data-testid={`add-${kind}`}
          onClick={() =>
            onChange([
              ...fields,
              newField(
                kind,
                fields.map((f) => f.key),
              ),
            ])
          }
        >
          + {t(`forms.kind.${kind}`)}
        </button>
      ))}
    </div>
  );
}

/** The editable list of fields, with reorder and delete; groups nest their own list. */
export function FieldList({
  fields,
  onChange,
}: {
  fields: FieldDef[];
  onChange: (next: FieldDef[]) => void;
}) {
  const move = (index: number, delta: number) => {
    const next = [...fields];
    const [item] = next.splice(index, 1);
    if (item) next.splice(index + delta, 0, item);
    onChange(next);
  };
  return (
    <ol className="field-list">
      {fields.map((field, index) => (
        <FieldEditor
          key={field.uid}
          field={field}
          first={index === 0}
          last={index === fields.length - 1}
          onChange={(changed) => onChange(fields.map((f) => (f.uid === field.uid ? changed : f)))}
          onMove={(delta) => move(index, delta)}
          onDelete={() => onChange(fields.filter((f) => f.uid !== field.uid))}
        />
      ))}
    </ol>
  );
}

function FieldEditor({
  field,
  first,
  last,
  onChange,
  onMove,
  onDelete,
}: {
  field: FieldDef;
  first: boolean;
  last: boolean;
  onChange: (field: FieldDef) => void;
  onMove: (delta: number) => void;
  onDelete: () => void;
}) {
  const { t } = useI18n();
  const set = <K extends keyof FieldDef>(name: K, value: FieldDef[K]) =>
    onChange({ ...field, [name]: value });
  const hasBounds = !['checkbox', 'select', 'group', 'date', 'user'].includes(field.kind);
  const hasPattern = ['text', 'textarea', 'email', 'url'].includes(field.kind);
  const hasOptions = field.kind === 'select' || field.kind === 'multiselect';
  return (
    <li className="field-card" data-testid={`field-${field.key}`}>
      <div className="field-card-head">
        <select
          value={field.kind}
          aria-label={t('forms.kind')}
          onChange={(e) => set('kind', e.target.value as FieldKind)}
        >
          {FIELD_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`forms.kind.${kind}`)}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <button
          type="button"
          className="icon-btn"
          disabled={first}
          onClick={() => onMove(-1)}
          aria-label={t('forms.up')}
        >
          ↑
        </button>
        <button
          type="button"
          className="icon-btn"
          disabled={last}
          onClick={() => onMove(1)}
          aria-label={t('forms.down')}
        >
          ↓
        </button>
        <button type="button" className="icon-btn danger" onClick={onDelete} aria-label={t('forms.delete')}>
          ✕
        </button>
      </div>
      <div className="grid-2">
        <label className="field">
          <span>{t('forms.key')}</span>
          <input
            value={field.key}
            data-testid="field-key"
            onChange={(e) => set('key', e.target.value.trim())}
          />
        </label>
        <label className="field">
          <span>{t('forms.fieldTitle')}</span>
          <input
            value={field.title}
            data-testid="field-title"
            onChange={(e) => set('title', e.target.value)}
          />
        </label>
        <label className="field span-2">
          <span>{t('forms.help')}</span>
          <input value={field.description} onChange={(e) => set('description', e.target.value)} />
        </label>
        {hasBounds ? (
          <>
            <label className="field">
              <span>{t(field.kind === 'number' ? 'forms.minimum' : 'forms.minLength')}</span>
              <input
                type="number"
                data-testid="field-min"
                value={field.min ?? ''}
                onChange={(e) => set('min', numberOrUndefined(e.target.value))}
              />
            </label>
            <label className="field">
              <span>{t(field.kind === 'number' ? 'forms.maximum' : 'forms.maxLength')}</span>
              <input
                type="number"
                data-testid="field-max"
                value={field.max ?? ''}
                onChange={(e) => set('max', numberOrUndefined(e.target.value))}
              />
            </label>
          </>
        ) : null}
        {hasPattern ? (
          <label className="field">
            <span>{t('forms.pattern')}</span>
            <input value={field.pattern} onChange={(e) => set('pattern', e.target.value)} />
          </label>
        ) : null}
        {!isContainer(field.kind) ? (
          <label className="field">
            <span>{t('forms.default')}</span>
            <input value={field.defaultValue} onChange={(e) => set('defaultValue', e.target.value)} />
          </label>
        ) : null}
        {hasOptions ? (
          <div className="field span-2">
            <span>{t('forms.options')}</span>
            <OptionsInput
              label={t('forms.options')}
              options={field.options}
              onChange={(options) => set('options', options)}
            />
          </div>
        ) : null}
      </div>
      <div className="checks">
        <label>
          <input
            type="checkbox"
            checked={field.required}
            data-testid="field-required"
            onChange={(e) => set('required', e.target.checked)}
          />{' '}
          {t('forms.required')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={field.readOnly}
            onChange={(e) => set('readOnly', e.target.checked)}
          />{' '}
          {t('forms.readOnly')}
        </label>
      </div>
      {isContainer(field.kind) ? (
        <div className="nested">
          <FieldList fields={field.children} onChange={(children) => set('children', children)} />
          <AddFieldBar fields={field.children} onChange={(children) => set('children', children)} />
        </div>
      ) : null}
    </li>
  );
}

/** Comma-separated options; keeps the raw text so a trailing comma can be typed. */
function OptionsInput({
  label,
  options,
  onChange,
}: {
  label: string;
  options: string[];
  onChange: (options: string[]) => void;
}) {
  const [text, setText] = useState(options.join(', '));
  return (
    <input
      value={text}
      aria-label={label}
      data-testid="field-options"
      onChange={(e) => {
        setText(e.target.value);
        onChange(
          e.target.value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
      }}
    />
  );
}
