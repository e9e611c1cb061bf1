import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { listEvaluations, type RecordedEvaluation } from './decisions-api.js';

const short = (value: unknown) => {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
};

/**
 * The latest evaluations of a decision on its own (the server keeps each one): when, who, the
 * version, the matched rules, the variables and the result. Read again whenever `refresh` changes
 * (after each "Try it").
 */
export function EvaluationHistory({ decisionId, refresh }: { decisionId: string; refresh: number }) {
  const { t, formatDateTime } = useI18n();
  const [items, setItems] = useState<RecordedEvaluation[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<unknown>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` asks for a new read.
  useEffect(() => {
    if (!decisionId) return;
    let cancelled = false;
    listEvaluations(decisionId)
      .then((page) => {
        if (cancelled) return;
        setItems(page.items);
        setTotal(page.total);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e);
      });
    return () => {
      cancelled = true;
    };
  }, [decisionId, refresh]);

  if (!decisionId) return null;
  return (
    <section
      className="decision-history"
      data-testid="decision-history"
      aria-labelledby="decision-history-title"
    >
      <h3 id="decision-history-title">
        {t('decisions.history')} ({total})
      </h3>
      <ErrorMessage error={error} />
      {items.length === 0 && !error ? <p className="muted">{t('decisions.historyEmpty')}</p> : null}
      {items.length > 0 ? (
        <div className="decision-table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{t('decisions.evaluatedAt')}</th>
                <th>{t('decisions.evaluatedBy')}</th>
                <th>{t('decisions.version')}</th>
                <th>{t('decisions.rules')}</th>
                <th>{t('decisions.inputs')}</th>
                <th>{t('decisions.result')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>{formatDateTime(item.evaluatedAt)}</td>
                  <td>{item.evaluatedBy ?? '—'}</td>
                  <td>{item.version}</td>
                  <td>
                    {item.matchedRuleIds.length > 0
                      ? item.matchedRuleIds.join(', ')
                      : t('decisions.noRuleMatched')}
                  </td>
                  <td>
                    <code>{short(item.inputs)}</code>
                  </td>
                  <td>
                    <code>{short(item.result)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
