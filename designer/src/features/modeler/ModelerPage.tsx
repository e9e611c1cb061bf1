import type Modeler from 'bpmn-js/lib/Modeler';
import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import { definitionVersions, definitionXml } from '../../api/definitions.js';
import { ApiError } from '../../api/problem.js';
import type { Definition, DeployIssue, FormList, FormRecord } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { pluralForm } from '../../app/plural.js';
import { onTabListKeyDown, tabIndexOf } from '../../app/roving-tabs.js';
import { navigate, setLeaveGuard, useLocation } from '../../app/router.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { type DiagramDiff, diffXml } from './diff.js';
import { dropLocalDraft, localDraft, saveLocalDraft, storeDraft, takeDraft } from './draft-store.js';
import { GATEWAY_CONDITIONS_RULE } from './gateway-conditions.js';
import { FormLinkPicker } from './FormLinkPicker.js';
import { blankDiagram, createModeler, processIdsOf } from './modeler-setup.js';
import { type Problem, ProblemList } from './ProblemList.js';

type ViewBox = { x: number; y: number; width: number; height: number };
type Shape = Parameters<typeof FormLinkPicker>[0]['element'] & { type: string };
type LintReport = { id: string; message: string; category: string; rule?: string; actualElementId?: string };
interface Deployed {
  xml: string;
  version: number;
}

/** The page's diagram as last deployed (or handed over), before any local draft is laid over it. */
async function loadInitial(processId: string): Promise<{ xml: string; deployed: Deployed | null }> {
  if (processId === 'new') return { xml: blankDiagram(), deployed: null };
  if (processId === 'draft') return { xml: takeDraft() ?? blankDiagram(), deployed: null };
  const [latest] = await definitionVersions(processId);
  if (!latest) return { xml: blankDiagram(), deployed: null };
  const xml = await definitionXml(latest.id);
  return { xml, deployed: { xml, version: latest.version } };
}

function flattenLint(issues: Record<string, LintReport[]>): Problem[] {
  return Object.values(issues)
    .flat()
    .map((report) => ({
      elementId: report.actualElementId ?? report.id,
      message: report.message,
      severity: report.category === 'error' ? 'error' : 'warn',
      source: 'lint',
      rule: report.rule,
    }));
}

const deployWarnings = new Map<string, DeployIssue[]>();

function handOverDeployWarnings(processId: string, warnings: DeployIssue[]): void {
  deployWarnings.set(processId, warnings);
}

function takeDeployWarnings(processId: string): DeployIssue[] {
  const warnings = deployWarnings.get(processId) ?? [];
  deployWarnings.delete(processId);
  return warnings;
}

function issueBadge(issue: DeployIssue): HTMLElement {
  const badge = document.createElement('div');
  badge.className =
    issue.severity === 'warning' ? 'baton-server-issue baton-server-warning' : 'baton-server-issue';
  badge.textContent = '!';
  badge.title = issue.message;
  return badge;
}

/** The BPMN editor: properties, form link, lint and server problems, simulation, diff and deploy. */
export function ModelerPage({ processId }: { processId: string }) {
  const { t, locale } = useI18n();
  const canvasRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const [modeler, setModeler] = useState<Modeler | null>(null);
  const [deployed, setDeployed] = useState<Deployed | null>(null);
  const [lintProblems, setLintProblems] = useState<Problem[]>([]);
  // Warnings of a first deploy travel beside the query's notice into the page that reopens.
  const [carriedWarnings] = useState(() => takeDeployWarnings(processId));
  const [serverIssues, setServerIssues] = useState<DeployIssue[]>(carriedWarnings);
  const [selected, setSelected] = useState<Shape | null>(null);
  const [simulating, setSimulating] = useState(false);
  const [tab, setTab] = useState<'properties' | 'problems' | 'changes'>(
    carriedWarnings.length > 0 ? 'problems' : 'properties',
  );
  // After the first deploy the page reopens under the process id: the notice travels in the query.
  const deployedVersion = useLocation().query.get('deployed');
  const [notice, setNotice] = useState<string | null>(
    deployedVersion
      ? withWarningCount(t('modeler.deployed', { version: deployedVersion }), carriedWarnings.length)
      : null,
  );
  const [error, setError] = useState<unknown>(null);
  const [changeTick, setChangeTick] = useState(0);
  const [diff, setDiff] = useState<DiagramDiff | null>(null);
  const [forms, setForms] = useState<FormRecord[]>([]);
  const [busy, setBusy] = useState(false);
  // Changes since the diagram was loaded or deployed; they live in a local draft until deployed.
  const dirty = useRef(false);
  const [restored, setRestored] = useState(false);
  const [original, setOriginal] = useState<string | null>(null);
  // The diagram as it stands, carried into the modeler that a language switch creates.
  const carried = useRef<{ processId: string; xml: string; viewbox?: ViewBox } | null>(null);

  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!dirty.current) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    const release = setLeaveGuard(() => !dirty.current || window.confirm(t('modeler.unsavedLeave')));
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      release();
    };
  }, [t]);

  // Keep the work as it goes (no delay: leaving right after a change must not lose it): a template
  // copy in its session hand-off, any other diagram in a local draft.
  // biome-ignore lint/correctness/useExhaustiveDependencies: changeTick is the trigger, not an input.
  useEffect(() => {
    if (!modeler || !dirty.current) return;
    void modeler.saveXML({ format: true }).then(({ xml }) => {
      if (!xml || !dirty.current) return;
      if (carried.current?.processId === processId) carried.current.xml = xml;
      if (processId === 'draft') storeDraft(xml);
      else saveLocalDraft(processId, xml);
    });
  }, [modeler, processId, changeTick]);

  useEffect(() => {
    api
      .get<FormList>('/api/forms', { limit: 200 })
      .then((page) => setForms(page.items))
      .catch(setError);
  }, []);

  useEffect(() => {
    if (!canvasRef.current || !panelRef.current) return;
    const instance = createModeler(canvasRef.current, panelRef.current, locale);
    const canvas = instance.get<{ zoom(level: string): void; viewbox(box?: ViewBox): ViewBox }>('canvas');
    let alive = true;
    instance.on('linting.completed', (event: { issues: Record<string, LintReport[]> }) =>
      setLintProblems(flattenLint(event.issues)),
    );
    instance.on('selection.changed', (event: { newSelection: Shape[] }) =>
      setSelected(event.newSelection[0] ?? null),
    );
    // The toolbar's button is the one simulation switch (the plugin's own is English-only, hidden).
    instance.on('tokenSimulation.toggleMode', (event: { active: boolean }) => setSimulating(event.active));
    let loaded = false;
    instance.on('commandStack.changed', () => {
      if (loaded) dirty.current = true;
      setChangeTick((n) => n + 1);
    });
    const carry = carried.current?.processId === processId ? carried.current : null;
    if (carry) {
      // Same diagram in another language: the state around it stays, only the modeler is new.
      instance
        .importXML(carry.xml)
        .then(() => {
          if (!alive) return;
          if (carry.viewbox) canvas.viewbox(carry.viewbox);
          else canvas.zoom('fit-viewport');
          loaded = true;
          setModeler(instance);
        })
        .catch((failure: unknown) => alive && setError(failure));
    } else
      loadInitial(processId)
        .then(async ({ xml, deployed: current }) => {
          if (!alive) return;
          setDeployed(current);
          const draft = processId === 'draft' ? null : localDraft(processId);
          const fromDraft = draft !== null && draft !== xml;
          await instance.importXML(fromDraft ? draft : xml);
          canvas.zoom('fit-viewport');
          carried.current = { processId, xml: fromDraft ? draft : xml };
          loaded = true;
          dirty.current = fromDraft;
          setOriginal(xml);
          setRestored(fromDraft);
          setModeler(instance);
        })
        .catch((failure: unknown) => alive && setError(failure));
    return () => {
      alive = false;
      if (loaded && carried.current?.processId === processId) carried.current.viewbox = canvas.viewbox();
      setModeler(null);
      instance.destroy();
    };
  }, [processId, locale]);

  // Pin the server's problems on their elements.
  useEffect(() => {
    if (!modeler) return;
    const overlays = modeler.get<{
      remove(filter: { type: string }): void;
      add(id: string, type: string, o: object): void;
    }>('overlays');
    const registry = modeler.get<{ get(id: string): unknown }>('elementRegistry');
    overlays.remove({ type: 'baton-server-issue' });
    for (const issue of serverIssues) {
      if (issue.elementId && registry.get(issue.elementId))
        overlays.add(issue.elementId, 'baton-server-issue', {
          position: { top: -12, left: -12 },
          html: issueBadge(issue),
        });
    }
  }, [modeler, serverIssues]);

  // The diff against the deployed version, recomputed as the diagram changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: changeTick is the trigger, not an input.
  useEffect(() => {
    if (!modeler || !deployed || tab !== 'changes') return;
    const timer = setTimeout(() => {
      void modeler.saveXML().then(({ xml }) => xml && setDiff(diffXml(deployed.xml, xml)));
    }, 300);
    return () => clearTimeout(timer);
  }, [modeler, deployed, tab, changeTick]);

  /** What the server accepted but ignores (foreign extensions, type references), kept apart from errors. */
  const asWarnings = (found: readonly DeployIssue[] | undefined): DeployIssue[] =>
    (found ?? []).map((issue) => ({ ...issue, severity: 'warning' as const }));
  function withWarningCount(text: string, count: number): string {
    return count > 0
      ? `${text} ${t(`modeler.serverWarnings.${pluralForm(locale, count)}`, { count })}`
      : text;
  }

  const currentXml = async (): Promise<string> => (await modeler!.saveXML({ format: true })).xml ?? '';

  const pick = (elementId: string) => {
    if (!modeler) return;
    const element = modeler.get<{ get(id: string): unknown }>('elementRegistry').get(elementId);
    if (!element) return;
    modeler.get<{ select(e: unknown): void }>('selection').select(element);
    modeler.get<{ scrollToElement(e: unknown): void }>('canvas').scrollToElement(element);
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (failure) {
      if (failure instanceof ApiError && failure.issues.length > 0) {
        setServerIssues([...failure.issues]);
        setTab('problems');
        setNotice(
          t(`modeler.deployRejected.${pluralForm(locale, failure.issues.length)}`, {
            count: failure.issues.length,
          }),
        );
      } else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const validate = () =>
    run(async () => {
      const answer = await api.post<{ issues: DeployIssue[]; warnings?: DeployIssue[] }>(
        '/api/definitions/validate',
        { xml: await currentXml() },
      );
      const warnings = asWarnings(answer.warnings);
      setServerIssues([...answer.issues, ...warnings]);
      setTab('problems');
      setNotice(
        answer.issues.length
          ? t(`modeler.issuesFound.${pluralForm(locale, answer.issues.length)}`, {
              count: answer.issues.length,
            })
          : withWarningCount(t('modeler.valid'), warnings.length),
      );
    });

  const deploy = () =>
    run(async () => {
      const xml = await currentXml();
      const answer = await api.post<{ definitions: Definition[]; warnings?: DeployIssue[] }>(
        '/api/definitions',
        { xml },
      );
      const warnings = asWarnings(answer.warnings);
      setServerIssues(warnings);
      if (warnings.length > 0) setTab('problems');
      dirty.current = false;
      dropLocalDraft(processId);
      setRestored(false);
      const first = answer.definitions[0];
      setNotice(withWarningCount(t('modeler.deployed', { version: first?.version ?? '?' }), warnings.length));
      setDeployed({ xml, version: first?.version ?? 0 });
      if (first && first.processId !== processId) {
        handOverDeployWarnings(first.processId, warnings);
        navigate(`/modeler/${encodeURIComponent(first.processId)}?deployed=${first.version}`, {
          replace: true,
        });
      }
    });

  const exportFile = () =>
    run(async () => {
      const blob = new Blob([await currentXml()], { type: 'application/xml' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `${processIdsOf(modeler!)[0] ?? 'diagram'}.bpmn`;
      link.click();
      URL.revokeObjectURL(link.href);
    });

  const importFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file && modeler)
      void run(async () => {
        const xml = await file.text();
        await modeler.importXML(xml);
        if (carried.current?.processId === processId) carried.current.xml = xml;
      });
  };

  const discardDraft = () =>
    run(async () => {
      if (!modeler || original === null) return;
      dropLocalDraft(processId);
      await modeler.importXML(original);
      if (carried.current?.processId === processId) carried.current.xml = original;
      dirty.current = false;
      setRestored(false);
    });

  const nameOf = (elementId: string): string => {
    const element = modeler
      ?.get<{ get(id: string): { businessObject?: { name?: string } } | undefined }>('elementRegistry')
      .get(elementId);
    return element?.businessObject?.name || elementId;
  };

  const toggleSimulation = () => modeler?.get<{ toggleMode(): void }>('toggleMode').toggleMode();

  const problems: Problem[] = [
    ...serverIssues.map((issue) => ({
      elementId: issue.elementId ?? null,
      message: issue.message,
      severity: issue.severity === 'warning' ? ('warn' as const) : ('error' as const),
      source: 'server' as const,
      rule: issue.code,
    })),
    ...lintProblems.map((problem) =>
      problem.rule === GATEWAY_CONDITIONS_RULE
        ? { ...problem, message: t('modeler.lintGatewayCondition') }
        : problem,
    ),
  ];
  const isUserTask = selected?.type === 'bpmn:UserTask';

  return (
    <div className="modeler-page">
      <div className="toolbar">
        <h1 className="toolbar-title">
          {processId === 'new' || processId === 'draft' ? t('modeler.newProcess') : processId}
          {deployed ? (
            <span className="badge badge-ok">
              {t('modeler.deployedVersion', { version: deployed.version })}
            </span>
          ) : null}
        </h1>
        <button type="button" className="btn" onClick={() => navigate('/modeler/new')}>
          {t('modeler.new')}
        </button>
        <label className="btn">
          {t('modeler.import')}
          <input type="file" accept=".bpmn,.xml" hidden onChange={importFile} />
        </label>
        <button type="button" className="btn" disabled={!modeler} onClick={exportFile}>
          {t('modeler.export')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!modeler}
          onClick={toggleSimulation}
          aria-pressed={simulating}
          data-testid="simulate"
        >
          {t('modeler.simulate')}
        </button>
        <button type="button" className="btn" disabled={!modeler || busy} onClick={validate}>
          {t('modeler.validate')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!modeler || busy}
          onClick={deploy}
          data-testid="deploy"
        >
          {t('modeler.deploy')}
        </button>
      </div>
      <p className="alert alert-info narrow-only" data-testid="narrow-screen">
        {t('modeler.narrowScreen')}
      </p>
      {notice ? (
        <div className="alert alert-info" role="status" data-testid="modeler-notice">
          {notice}
        </div>
      ) : null}
      {restored ? (
        <div className="alert alert-info" role="status" data-testid="draft-restored">
          {t('modeler.draftRestored')}{' '}
          <button type="button" className="btn btn-small" onClick={() => void discardDraft()}>
            {t('modeler.discardDraft')}
          </button>
        </div>
      ) : null}
      <ErrorMessage error={error} />
      <div className="modeler-body">
        <div className="modeler-canvas" ref={canvasRef} data-testid="modeler-canvas" />
        <aside className="modeler-side">
          <div className="tabs" role="tablist" onKeyDown={onTabListKeyDown}>
            {(['properties', 'problems', 'changes'] as const).map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={tab === name}
                tabIndex={tabIndexOf(tab === name)}
                className={tab === name ? 'tab active' : 'tab'}
                onClick={() => setTab(name)}
              >
                {t(`modeler.tab.${name}`)}
                {name === 'problems' && problems.length > 0 ? (
                  <span className="count">{problems.length}</span>
                ) : null}
              </button>
            ))}
          </div>
          <div hidden={tab !== 'properties'}>
            {modeler && selected && isUserTask ? (
              <FormLinkPicker
                key={`${selected.id}-${changeTick}`}
                modeler={modeler}
                element={selected}
                forms={forms}
              />
            ) : null}
            <div ref={panelRef} className="properties-host" />
          </div>
          {tab === 'problems' ? <ProblemList problems={problems} onPick={pick} nameOf={nameOf} /> : null}
          {tab === 'changes' ? <ChangeList deployed={deployed} diff={diff} onPick={pick} /> : null}
        </aside>
      </div>
    </div>
  );
}

function ChangeList({
  deployed,
  diff,
  onPick,
}: {
  deployed: Deployed | null;
  diff: DiagramDiff | null;
  onPick: (id: string) => void;
}) {
  const { t } = useI18n();
  if (!deployed) return <p className="muted">{t('modeler.notDeployed')}</p>;
  if (!diff) return <p className="muted">…</p>;
  const groups = [
    ['added', diff.added],
    ['removed', diff.removed],
    ['changed', diff.changed],
  ] as const;
  if (groups.every(([, ids]) => ids.length === 0)) return <p className="muted">{t('modeler.noChanges')}</p>;
  return (
    <div className="change-list" data-testid="change-list">
      {groups.map(([kind, ids]) =>
        ids.length === 0 ? null : (
          <section key={kind}>
            <h3>{t(`modeler.diff.${kind}`)}</h3>
            <ul>
              {ids.map((id) => (
                <li key={id}>
                  <button type="button" className="linklike" onClick={() => onPick(id)}>
                    {id}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ),
      )}
    </div>
  );
}
