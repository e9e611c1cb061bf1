import { useState } from 'react';
import { api } from '../../api/client.js';
import type { ListPage, Template } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { localized } from '../../app/i18n-core.js';
import { href, navigate } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { LazyDiagram } from '../../components/LazyDiagram.js';
import { Loading } from '../../components/Loading.js';
import { storeDraft } from '../modeler/draft-store.js';

/** The built-in templates: diagram, description, start it, or copy it into an editable draft. */
export function TemplatesPage() {
  const { t } = useI18n();
  const templates = useAsync(
    () => api.get<ListPage<Template>>('/api/templates').then((page) => page.items),
    [],
  );
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('templates.title')}</h1>
      </div>
      <ErrorMessage error={templates.error} />
      {templates.loading ? <Loading /> : null}
      {templates.data?.length === 0 ? <p className="muted">{t('templates.empty')}</p> : null}
      <div className="template-grid">
        {(templates.data ?? []).map((template) => (
          <TemplateCard key={template.id} template={template} />
        ))}
      </div>
    </section>
  );
}

function TemplateCard({ template }: { template: Template }) {
  const { t, locale } = useI18n();
  const { hasRole } = useAuth();
  const full = useAsync(
    () =>
      template.xml
        ? Promise.resolve(template)
        : api.get<Template>(`/api/templates/${encodeURIComponent(template.id)}`),
    [template],
  );
  const [error, setError] = useState<unknown>(null);
  const copy = async () => {
    try {
      const answer = await api.post<{ xml: string }>(
        `/api/templates/${encodeURIComponent(template.id)}/copy`,
        {},
      );
      storeDraft(answer.xml);
      navigate('/modeler/draft');
    } catch (failure) {
      setError(failure);
    }
  };
  const processId = full.data?.processId ?? template.processId;
  return (
    <article className="card template-card" data-testid="template-card">
      <h2>{localized(template.name, locale) || template.id}</h2>
      <p>{localized(template.description, locale)}</p>
      {template.groups?.length ? (
        <p className="muted">
          {t('templates.groups')}: {template.groups.join(', ')}
        </p>
      ) : null}
      {full.data?.xml ? <LazyDiagram xml={full.data.xml} height={240} /> : <Loading />}
      <ErrorMessage error={error ?? full.error} />
      <div className="card-actions">
        {processId ? (
          <a className="btn btn-primary" href={href(`/start/${encodeURIComponent(processId)}`)}>
            {t('templates.start')}
          </a>
        ) : null}
        {hasRole('designer') ? (
          <button type="button" className="btn" data-testid="copy-template" onClick={() => void copy()}>
            {t('templates.copy')}
          </button>
        ) : null}
      </div>
    </article>
  );
}
