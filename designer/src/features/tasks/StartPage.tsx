import type { ErrorSchema } from '@rjsf/utils';
import { useState } from 'react';
import { api } from '../../api/client.js';
import { ApiError } from '../../api/problem.js';
import type {
  FormRecord,
  InstanceSummary,
  ListPage,
  ProcessList,
  ProcessSummary,
  Template,
  Variables,
} from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { localized } from '../../app/i18n-core.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { SchemaForm } from '../../components/forms/SchemaForm.js';
import { Loading } from '../../components/Loading.js';
import { errorsToExtraErrors } from './error-mapping.js';

/**
 * A process's name in the reader's language: a process that came from a template has the
 * template's translated name (as the server names it in "My requests"); any other has its BPMN name.
 */
function useProcessNames(): { nameOf: (process: ProcessSummary) => string; ready: boolean } {
  const { locale } = useI18n();
  // English names are the BPMN's own: only another language needs the templates.
  const templates = useAsync(
    () =>
      locale === 'en'
        ? Promise.resolve([] as Template[])
        : api
            .get<ListPage<Template>>('/api/templates')
            .then((page) => page.items)
            .catch(() => [] as Template[]),
    [locale],
  );
  const nameOf = (process: ProcessSummary) => {
    const template = templates.data?.find((item) => item.processId === process.processId);
    const translated = locale === 'en' ? undefined : localized(template?.name, locale);
    return translated || process.name || process.processId;
  };
  // Ready once any answer came: a language switch keeps the page (and a half-filled form) meanwhile.
  return { nameOf, ready: templates.data !== undefined || templates.error !== undefined };
}

/** Start a process: pick one, fill its start form if it has one, go. */
export function StartPage({ processId }: { processId?: string }) {
  const { t } = useI18n();
  const processes = useAsync(
    () => api.get<ProcessList>('/api/processes', { limit: 200 }).then((page) => page.items),
    [],
  );
  const { nameOf, ready: namesReady } = useProcessNames();
  const chosen = processes.data?.find((p) => p.processId === processId);
  // Names wait for the templates too: no English name that turns Chinese a moment later.
  if (processes.loading || !namesReady) return <Loading />;
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('start.title')}</h1>
      </div>
      <ErrorMessage error={processes.error} />
      {/* On a phone the chosen process's form replaces the list, with a way back to it. */}
      <div className={chosen ? 'start-columns chosen' : 'start-columns'}>
        <ul className="process-picker">
          {(processes.data ?? []).map((p) => (
            <li key={p.processId}>
              <a
                href={href(`/start/${encodeURIComponent(p.processId)}`)}
                className={p.processId === processId ? 'active' : undefined}
                data-testid={`start-${p.processId}`}
              >
                <strong>{nameOf(p)}</strong>
                <span className="muted">
                  {p.processId} · v{p.version}
                </span>
              </a>
            </li>
          ))}
          {processes.data?.length === 0 ? <li className="muted">{t('start.none')}</li> : null}
        </ul>
        <div className="start-form card">
          {chosen ? (
            <a className="small-link narrow-only" href={href('/start')} data-testid="start-all">
              ← {t('start.allProcesses')}
            </a>
          ) : null}
          {chosen ? (
            <StartForm process={chosen} name={nameOf(chosen)} />
          ) : (
            <p className="muted">{t('start.pick')}</p>
          )}
        </div>
      </div>
    </section>
  );
}

function StartForm({ process, name }: { process: ProcessSummary; name: string }) {
  const { t, locale } = useI18n();
  const { hasRole } = useAuth();
  const form = useAsync(
    () =>
      process.startFormId
        ? api.get<FormRecord>(`/api/forms/${encodeURIComponent(process.startFormId)}`)
        : Promise.resolve(null),
    [process.startFormId],
  );
  const [data, setData] = useState<Variables>({});
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [started, setStarted] = useState<InstanceSummary | null>(null);
  const [businessKey, setBusinessKey] = useState('');
  // A new key after each start gives a blank form, so a second click cannot start the same twice.
  const [round, setRound] = useState(0);

  const start = async (variables: Variables) => {
    setError(null);
    setExtraErrors(undefined);
    try {
      const instance = await api.post<InstanceSummary>('/api/instances', {
        processId: process.processId,
        variables,
        businessKey: businessKey || undefined,
      });
      setStarted(instance);
      setData({});
      setBusinessKey('');
      setRound((n) => n + 1);
    } catch (failure) {
      if (failure instanceof ApiError && failure.errors.length > 0)
        setExtraErrors(errorsToExtraErrors(failure.errors) as ErrorSchema);
      setError(failure);
    }
  };

  if (form.loading) return <Loading />;
  return (
    <div>
      <h2>{name}</h2>
      {started ? (
        <div className="alert alert-info" role="status" data-testid="started">
          {t('start.started')}{' '}
          {hasRole('manager') ? (
            <a href={href(`/instances/${started.id}`)}>{started.id.slice(0, 8)}</a>
          ) : null}{' '}
          <a href={href('/inbox')}>{t('nav.inbox')}</a>{' '}
          <button
            type="button"
            className="btn btn-small"
            data-testid="start-again"
            onClick={() => setStarted(null)}
          >
            {t('start.again')}
          </button>
        </div>
      ) : null}
      {started ? null : (
        <div key={round}>
          <ErrorMessage error={error ?? form.error} />
          <label className="field">
            <span>{t('start.businessKey')}</span>
            <input value={businessKey} onChange={(e) => setBusinessKey(e.target.value)} />
          </label>
          {form.data ? (
            <SchemaForm
              schema={form.data.schema}
              uiSchema={form.data.uiSchema}
              formData={data}
              onChange={setData}
              onSubmit={(variables) => void start(variables)}
              extraErrors={extraErrors}
              idPrefix="start"
              texts={form.data.i18n?.[locale] ?? null}
            >
              <button type="submit" className="btn btn-primary" data-testid="start-submit">
                {t('start.submit')}
              </button>
            </SchemaForm>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="start-submit"
              onClick={() => void start({})}
            >
              {t('start.submit')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
