import { useI18n } from '../../app/i18n.js';

/** One problem pinned on an element: from bpmnlint in the browser or from the server's deploy check. */
export interface Problem {
  elementId: string | null;
  message: string;
  severity: 'error' | 'warn';
  source: 'lint' | 'server';
  rule?: string;
}

/** The problems of the diagram, each under its element's name (id as a tooltip); a click selects the element. */
export function ProblemList({
  problems,
  onPick,
  nameOf,
}: {
  problems: readonly Problem[];
  onPick: (id: string) => void;
  /** The element's name, or its id when it has none. */
  nameOf: (id: string) => string;
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
            <strong title={problem.elementId ?? undefined} data-testid="problem-element">
              {problem.elementId ? nameOf(problem.elementId) : '—'}
            </strong>{' '}
            {problem.message}
            {problem.rule ? <span className="muted"> ({problem.rule})</span> : null}
          </button>
        </li>
      ))}
    </ul>
  );
}
