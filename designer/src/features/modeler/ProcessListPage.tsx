import type { ChangeEvent } from 'react';
import { api } from '../../api/client.js';
import type { Definition, DefinitionList } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { href, navigate } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';
import { storeDraft } from './draft-store.js';

interface ProcessRow {
  processId: string;
  name: string | null;
  latest: Definition;
  versions: number;
}

/** Groups all deployed versions by process id, newest version first. */
export function latestVersions(definitions: readonly Definition[]): ProcessRow[] {
  const rows = new Map<string, ProcessRow>();
  for (const definition of definitions) {
    const row = rows.get(definition.processId);
    if (!row)
      rows.set(definition.processId, {
        processId: definition.processId,
        name: definition.name,
        latest: definition,
        versions: 1,
      });
    else {
      row.versions += 1;
      if (definition.version > row.latest.version) {
        row.latest = definition;
        row.name = definition.name;
      }
    }
  }
  return [...rows.values()].sort((a, b) => (a.name ?? a.processId).localeCompare(b.name ?? b.processId));
}

/** The process designer's home: deployed processes, new and import. */
export function ProcessListPage() {
  const { t, formatDateTime } = useI18n();
  const { hasRole } = useAuth();
  const definitions = useAsync(() => api.get<DefinitionList>('/api/definitions', { limit: 200 }), []);

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    storeDraft(await file.text());
    navigate('/modeler/draft');
  };

  const rows = latestVersions(definitions.data?.items ?? []);
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('processes.title')}</h1>
        <div className="head-actions">
          <label className="btn">
            {t('modeler.import')}
            <input type="file" accept=".bpmn,.xml" hidden onChange={(e) => void importFile(e)} />
          </label>
          <a className="btn btn-primary" href={href('/modeler/new')} data-testid="new-process">
            {t('processes.new')}
          </a>
        </div>
      </div>
      <ErrorMessage error={definitions.error} />
      {definitions.loading ? <Loading /> : null}
      {!definitions.loading && rows.length === 0 ? <p className="muted">{t('processes.empty')}</p> : null}
      {rows.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('processes.name')}</th>
              <th>{t('processes.id')}</th>
              <th>{t('processes.version')}</th>
              <th>{t('processes.deployedAt')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.processId}>
                <td>
                  <a href={href(`/modeler/${encodeURIComponent(row.processId)}`)}>
                    {row.name || row.processId}
                  </a>
                </td>
                <td>
                  <code>{row.processId}</code>
                </td>
                <td>
                  <span className="badge badge-ok">
                    v{row.latest.version} {t('processes.deployed')}
                  </span>{' '}
                  <span className="muted">{t('processes.versionCount', { count: row.versions })}</span>
                </td>
                <td>{formatDateTime(row.latest.deployedAt)}</td>
                <td className="row-actions">
                  {hasRole('manager') ? (
                    <a className="btn btn-small" href={href(`/kpis/${encodeURIComponent(row.processId)}`)}>
                      {t('nav.kpis')}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
