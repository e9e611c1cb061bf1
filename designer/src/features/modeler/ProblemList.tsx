import { useI18n } from '../../app/i18n.js';

/** One problem pinned on an element: from bpmnlint in the browser or from the server's deploy check. */
export interface Problem {
  elementId: string | null;
  message: string;
  severity: 'error' | 'warn';
  source: 'lint' | 'server';
  rule?: string;
}

/** The problems of the diagram; a click selects the element concerned. */
export function ProblemList({
  problems,
  onPick,
}: {
  problems: readonly Problem[];
  onPick: (id: string) => void;
}) {
  const { t } = useI18n();
  if (problems.length === 0) return <p className="muted">{t('modeler.noProblems')}</p>;
  return (
    <ul className="problem-list" data-testid="problem-list">
      {problems.map((problem) => (
        <li
          key={`${problem.source}-${problem.elementId}-${problem.rule}-${problem.message}`}
          className={`problem problem-${problem.severity}`}
        >
          <button
            type="button"
            className="linklike"
            onClick={() => problem.elementId && onPick(problem.elementId)}
          >
            <span className="problem-source">
              {problem.source === 'server' ? t('modeler.server') : 'lint'}
            </span>
            <strong>{problem.elementId ?? '—'}</strong> {problem.message}
            {problem.rule ? <span className="muted"> ({problem.rule})</span> : null}
          </button>
        </li>
      ))}
    </ul>
  );
}
