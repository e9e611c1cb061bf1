import type { FormRecord } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { localized } from '../../app/i18n-core.js';
import { getLinkedFormId, type ModelerServices, setLinkedFormId } from './form-link.js';

type Shape = Parameters<typeof getLinkedFormId>[0];

/** Picks one of Baton's forms for a user task; writes `zeebe:FormDefinition formId`. */
export function FormLinkPicker({
  modeler,
  element,
  forms,
}: {
  modeler: ModelerServices;
  element: Shape;
  forms: readonly FormRecord[];
}) {
  const { t, locale } = useI18n();
  const current = getLinkedFormId(element);
  const known = forms.some((f) => f.formId === current);
  return (
    <div className="form-link">
      <label className="field">
        <span>{t('modeler.linkedForm')}</span>
        <select
          data-testid="form-link"
          value={current ?? ''}
          onChange={(event) => setLinkedFormId(modeler, element, event.target.value || null)}
        >
          <option value="">{t('modeler.noForm')}</option>
          {current && !known ? (
            <option value={current}>{t('modeler.unknownForm', { id: current })}</option>
          ) : null}
          {forms.map((form) => (
            <option key={form.formId} value={form.formId}>
              {localized(form.name, locale) || form.formId} ({form.formId} v{form.version})
            </option>
          ))}
        </select>
      </label>
      {current ? (
        <a className="small-link" href={`#/forms/${encodeURIComponent(current)}`}>
          {t('modeler.openForm')}
        </a>
      ) : null}
    </div>
  );
}
