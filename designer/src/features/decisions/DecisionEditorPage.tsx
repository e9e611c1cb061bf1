import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn.css';
import DmnModeler, { type DmnView } from 'dmn-js/lib/Modeler';
import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/problem.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { blankDecisionFile, takeImport } from './decision-files.js';
import {
  type DeployedDecision,
  decisionVersion,
  deployDecisionFile,
  type EvaluateAnswer,
  evaluateDecision,
} from './decisions-api.js';
import { EvaluationHistory } from './EvaluationHistory.js';
import './decisions.css';

/** The dmn-js editor for one DMN file: a new one, an imported one or a deployed version. */
export function DecisionEditorPage({ which }: { which: string }) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const modeler = useRef<DmnModeler | undefined>(undefined);
  const [views, setViews] = useState<DmnView[]>([]);
  const [active, setActive] = useState<string | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [deployed, setDeployed] = useState<DeployedDecision[]>([]);
  const [deployError, setDeployError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [decisionId, setDecisionId] = useState('');
  const [variablesText, setVariablesText] = useState('{}');
  const [answer, setAnswer] = useState<EvaluateAnswer | undefined>(undefined);
  const [tryError, setTryError] = useState<unknown>(undefined);
  const [tried, setTried] = useState(0);

  const showViews = async (instance: DmnModeler) => {
    const all = instance.getViews();
    setViews(all);
    const table = all.find((view) => view.type === 'decisionTable') ?? all[0];
    if (table) {
      await instance.open(table);
      setActive(table.element.id);
    }
  };

  const load = async (instance: DmnModeler, xml: string) => {
    try {
      await instance.importXML(xml);
      setLoadError(undefined);
      await showViews(instance);
    } catch (error) {
      setLoadError(error);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per file.
  useEffect(() => {
    if (!container.current) return;
    const instance = new DmnModeler({ container: container.current });
    modeler.current = instance;
    let cancelled = false;
    void (async () => {
      let xml: string | undefined;
      if (which === 'new') xml = blankDecisionFile();
      else if (which === 'import') xml = takeImport() ?? blankDecisionFile();
      else {
        try {
          const version = await decisionVersion(which);
          xml = version.xml;
          setDecisionId(version.decisionId);
        } catch (error) {
          setLoadError(error);
          return;
        }
      }
      if (!cancelled) await load(instance, xml);
    })();
    return () => {
      cancelled = true;
      instance.destroy();
      modeler.current = undefined;
    };
  }, [which]);

  const openView = async (view: DmnView) => {
    if (!modeler.current) return;
    await modeler.current.open(view);
    setActive(view.element.id);
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file || !modeler.current) return;
    await load(modeler.current, await file.text());
  };

  const deploy = async () => {
    if (!modeler.current) return;
    setBusy(true);
    setDeployError(undefined);
    try {
      const { xml } = await modeler.current.saveXML({ format: true });
      const result = await deployDecisionFile(xml);
      setDeployed(result.decisions);
      if (!result.decisions.some((d) => d.decisionId === decisionId))
        setDecisionId(result.decisions[0]?.decisionId ?? '');
    } catch (error) {
      setDeployed([]);
      setDeployError(error);
    } finally {
      setBusy(false);
    }
  };

  const tryIt = async () => {
    setTryError(undefined);
    setAnswer(undefined);
    let variables: unknown;
    try {
      variables = JSON.parse(variablesText || '{}');
    } catch {
      setTryError(new Error(t('decisions.variablesNotJson')));
      return;
    }
    if (!variables || typeof variables !== 'object' || Array.isArray(variables)) {
      setTryError(new Error(t('decisions.variablesNotJson')));
      return;
    }
    try {
      setAnswer(await evaluateDecision(decisionId, variables as Record<string, unknown>));
      setTried((n) => n + 1);
    } catch (error) {
      setTryError(error);
    }
  };

  const issues = deployError instanceof ApiError ? deployError.issues : [];
  const decisionIds = [...new Set([decisionId, ...deployed.map((d) => d.decisionId)].filter(Boolean))];
  return (
    <section className="page decision-page">
      <div className="page-head">
        <h1>{t('decisions.editorTitle')}</h1>
        <div className="head-actions">
          <a className="btn" href={href('/decisions')}>
            {t('decisions.back')}
          </a>
          <label className="btn">
            {t('decisions.import')}
            <input
              type="file"
              accept=".dmn,.xml"
              hidden
              data-testid="decision-editor-import"
              onChange={(e) => void importFile(e)}
            />
          </label>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => void deploy()}
            data-testid="deploy-decision"
          >
            {t('decisions.deploy')}
          </button>
        </div>
      </div>
      <ErrorMessage error={loadError} />
      {views.length > 1 ? (
        <fieldset className="decision-views">
          <legend>{t('decisions.views')}</legend>
          {views.map((view) => (
            <button
              key={`${view.type}-${view.element.id}`}
              type="button"
              className={`btn${active === view.element.id ? ' btn-primary' : ''}`}
              aria-pressed={active === view.element.id}
              onClick={() => void openView(view)}
            >
              {view.type === 'drd' ? t('decisions.diagram') : (view.element.name ?? view.element.id)}
            </button>
          ))}
        </fieldset>
      ) : null}
      <div className="decision-editor" ref={container} data-testid="decision-editor" />
      {deployed.length > 0 ? (
        <div className="alert alert-ok" role="status" data-testid="decision-deployed">
          {t('decisions.deployed')}{' '}
          {deployed.map((d) => `${d.name ?? d.decisionId} (${d.decisionId}) v${d.version}`).join(', ')}
        </div>
      ) : null}
      {deployError ? (
        <div className="alert alert-error decision-problems" role="alert" data-testid="decision-problems">
          <p>{deployError instanceof Error ? deployError.message : String(deployError)}</p>
          {issues.length > 0 ? (
            <ul>
              {issues.map((issue) => (
                <li key={`${issue.elementId ?? ''} ${issue.message}`}>
                  {issue.elementId ? <code>{issue.elementId}</code> : null} {issue.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <section className="decision-try" data-testid="decision-try" aria-labelledby="decision-try-title">
        <h2 id="decision-try-title">{t('decisions.tryIt')}</h2>
        {decisionIds.length === 0 ? <p className="muted">{t('decisions.tryHint')}</p> : null}
        <label className="field">
          <span>{t('decisions.decision')}</span>
          <select
            value={decisionId}
            onChange={(e) => setDecisionId(e.target.value)}
            data-testid="try-decision"
            disabled={decisionIds.length === 0}
          >
            {decisionIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('decisions.variables')}</span>
          <textarea
            rows={4}
            value={variablesText}
            onChange={(e) => setVariablesText(e.target.value)}
            data-testid="try-variables"
          />
        </label>
        <button
          type="button"
          className="btn"
          disabled={!decisionId}
          onClick={() => void tryIt()}
          data-testid="try-evaluate"
        >
          {t('decisions.evaluate')}
        </button>
        <ErrorMessage error={tryError} />
        {answer ? (
          <div data-testid="try-result">
            <h3>
              {t('decisions.result')} · {answer.decisionId} v{answer.version}
            </h3>
            <pre>{JSON.stringify(answer.result, null, 2)}</pre>
            <ul>
              {answer.evaluations.map((evaluation) => (
                <li key={evaluation.decisionId}>
                  <code>{evaluation.decisionId}</code>: {t('decisions.matchedRules')}{' '}
                  {evaluation.matchedRuleIds.length > 0
                    ? evaluation.matchedRuleIds.join(', ')
                    : t('decisions.noRuleMatched')}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <EvaluationHistory decisionId={decisionId} refresh={tried} />
      </section>
    </section>
  );
}
