import type { ChangeEvent } from 'react';
import { useI18n } from '../../app/i18n.js';
import { href, navigate } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/Loading.js';
import { storeImport } from './decision-files.js';
import { listLatestDecisions } from './decisions-api.js';
import './decisions.css';

/** Deployed DMN decisions (the latest version of each), new and import. */
export function DecisionListPage() {
  const { t, formatDateTime } = useI18n();
  const decisions = useAsync(() => listLatestDecisions(), []);

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    storeImport(await file.text());
    navigate('/decisions/import');
  };

  const rows = decisions.data?.items ?? [];
  return (
    <section className="page decision-page">
      <div className="page-head">
        <h1>{t('decisions.title')}</h1>
        <div className="head-actions">
          <label className="btn">
            {t('decisions.import')}
            <input
              type="file"
              accept=".dmn,.xml"
              hidden
              data-testid="decision-import"
              onChange={(e) => void importFile(e)}
            />
          </label>
          <a className="btn btn-primary" href={href('/decisions/new')} data-testid="new-decision">
            {t('decisions.new')}
          </a>
        </div>
      </div>
      <ErrorMessage error={decisions.error} />
      {decisions.loading ? <Loading /> : null}
      {!decisions.loading && rows.length === 0 ? <p className="muted">{t('decisions.empty')}</p> : null}
      {rows.length > 0 ? (
        <div className="decision-table-wrap">
          <table className="table" data-testid="decision-list">
            <thead>
              <tr>
                <th>{t('decisions.name')}</th>
                <th>{t('decisions.version')}</th>
                <th>{t('decisions.deployedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>
                    <a href={href(`/decisions/${row.id}`)}>{row.name ?? row.decisionId}</a>
                    <div className="muted">{row.decisionId}</div>
                  </td>
                  <td>{row.version}</td>
                  <td>{formatDateTime(row.deployedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
