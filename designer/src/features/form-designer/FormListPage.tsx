import { api } from '../../api/client.js';
import type { FormList } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { localized } from '../../app/i18n-core.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';

/** All forms (latest version each), with a way to start a new one. */
export function FormListPage() {
  const { t, locale, formatDateTime } = useI18n();
  const forms = useAsync(() => api.get<FormList>('/api/forms', { limit: 200 }), []);
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('forms.title')}</h1>
        <a className="btn btn-primary" href={href('/forms/new')} data-testid="new-form">
          {t('forms.new')}
        </a>
      </div>
      <ErrorMessage error={forms.error} />
      {forms.loading ? <Loading /> : null}
      {forms.data && forms.data.items.length === 0 ? <p className="muted">{t('forms.empty')}</p> : null}
      {forms.data && forms.data.items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('forms.name')}</th>
              <th>{t('forms.formId')}</th>
              <th>{t('forms.version')}</th>
              <th>{t('forms.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {forms.data.items.map((form) => (
              <tr key={form.formId}>
                <td>
                  <a href={href(`/forms/${encodeURIComponent(form.formId)}`)}>
                    {localized(form.name, locale) || form.formId}
                  </a>
                </td>
                <td>
                  <code>{form.formId}</code>
                </td>
                <td>v{form.version}</td>
                <td>{formatDateTime(form.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
