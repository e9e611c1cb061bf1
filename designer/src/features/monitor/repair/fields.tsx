import { useI18n } from '../../../app/i18n.js';

/** A labelled choice of one element by name (the repair dialogs' lists; keyboard-friendly). */
export function ElementSelect({
  label,
  testId,
  value,
  onChange,
  elements,
}: {
  label: string;
  testId: string;
  value: string;
  onChange: (id: string) => void;
  elements: readonly { readonly id: string; readonly name: string }[];
}) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span>{label}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('repair.choose')}</option>
        {elements.map((element) => (
          <option key={element.id} value={element.id}>
            {element.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Why a manager repairs an instance: recorded in its history. */
export function ReasonField({
  testId,
  value,
  onChange,
}: {
  testId: string;
  value: string;
  onChange: (reason: string) => void;
}) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span>{t('repair.reason')}</span>
      <textarea data-testid={testId} rows={2} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
