import type { MigrationReportDto } from '@baton/schemas';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../../api/client.js';
import { definitionVersions, definitionXml } from '../../../api/definitions.js';
import type { MessageKey } from '../../../app/en.js';
import { useI18n } from '../../../app/i18n.js';
import { useAsync } from '../../../app/use-async.js';
import { type ElementLabels, elementLabels } from '../../../components/element-labels.js';
import { ErrorMessage } from '../../../components/ErrorMessage.js';
import { displayName, startableElements } from './repair-elements.js';
import { ElementSelect, ReasonField } from './fields.js';

/** Problems a dry run reports, in the reader's language; other codes show the server's message. */
const PROBLEM_TEXT: Readonly<Record<string, MessageKey>> = {
  'element.missing': 'repair.problem.missing',
  'element.kind-changed': 'repair.problem.kindChanged',
  'element.scope-changed': 'repair.problem.scopeChanged',
  'element.multi-instance-changed': 'repair.problem.multiInstanceChanged',
  'event.kind-changed': 'repair.problem.eventKindChanged',
  'trigger.missing': 'repair.problem.triggerMissing',
  'trigger.added': 'repair.problem.triggerAdded',
  'join.flow-missing': 'repair.problem.joinFlowMissing',
};

/**
 * Moves the instance to another version of its process (`POST /api/instances/:id/migration`).
 * Every choice runs a dry run first, so the manager sees what moves and each problem by element
 * name; an element missing from the target can be mapped to one there. The real migration is only
 * offered once the dry run finds no problem.
 */
export function MigrateDialog({
  instanceId,
  processId,
  definitionId,
  labels,
  onMigrated,
  onClose,
}: {
  instanceId: string;
  processId: string;
  definitionId: string;
  labels: ElementLabels;
  onMigrated: (version: number) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const versions = useAsync(() => definitionVersions(processId), [processId]);
  const [targetId, setTargetId] = useState('');
  const [mappings, setMappings] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [report, setReport] = useState<MigrationReportDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const targetXml = useAsync(() => (targetId ? definitionXml(targetId) : Promise.resolve('')), [targetId]);
  const targetLabels = useMemo(() => elementLabels(targetXml.data ?? ''), [targetXml.data]);
  const others = (versions.data ?? []).filter((d) => d.id !== definitionId);

  const plan = () => ({
    targetDefinitionId: targetId,
    mappings: Object.entries(mappings)
      .filter(([, target]) => target)
      .map(([sourceElementId, targetElementId]) => ({ sourceElementId, targetElementId })),
    ...(reason.trim() ? { reason: reason.trim() } : {}),
  });

  // A dry run for every target and mapping chosen; a late answer to an older plan is dropped.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the plan is built from these two.
  useEffect(() => {
    if (!targetId) return setReport(null);
    let current = true;
    setError(null);
    api.post<MigrationReportDto>(`/api/instances/${instanceId}/migration`, { ...plan(), dryRun: true }).then(
      (answer) => current && setReport(answer),
      (failure: unknown) => {
        if (!current) return;
        setReport(null);
        setError(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [instanceId, targetId, mappings]);

  const migrate = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<MigrationReportDto>(`/api/instances/${instanceId}/migration`, plan());
      onMigrated(answer.to.version);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const problems = report?.problems ?? [];
  // Mapped elements stay listed, so a mapping can be changed after the problem it fixed is gone.
  const mappable = [
    ...new Set([
      ...problems.filter((p) => p.code === 'element.missing').map((p) => p.elementId),
      ...Object.keys(mappings),
    ]),
  ];
  const targets = startableElements(targetLabels);

  return (
    <div className="repair-migrate" data-testid="migrate">
      <ErrorMessage error={versions.error} />
      {versions.data && others.length === 0 ? (
        <p className="muted">{t('repair.migrate.noVersions')}</p>
      ) : null}
      <label className="field">
        <span>{t('repair.migrate.target')}</span>
        <select
          data-testid="migrate-target"
          value={targetId}
          onChange={(e) => {
            setTargetId(e.target.value);
            setMappings({});
          }}
        >
          <option value="">{t('repair.choose')}</option>
          {others.map((d) => (
            <option key={d.id} value={d.id}>
              v{d.version}
              {d.name ? ` · ${d.name}` : ''}
            </option>
          ))}
        </select>
      </label>
      {mappable.map((sourceId) => (
        <ElementSelect
          key={sourceId}
          label={t('repair.migrate.mapTo', { element: displayName(labels, sourceId) })}
          testId={`migrate-map-${sourceId}`}
          value={mappings[sourceId] ?? ''}
          onChange={(id) => setMappings({ ...mappings, [sourceId]: id })}
          elements={targets}
        />
      ))}
      {report ? (
        <div className="repair-report" data-testid="migrate-report" aria-live="polite">
          <p>
            {t('repair.migrate.summary', {
              from: report.from.version,
              to: report.to.version,
              tasks: report.moved.tasks,
              jobs: report.moved.jobs,
            })}
          </p>
          {problems.length === 0 ? (
            <p className="repair-ok">{t('repair.migrate.ready')}</p>
          ) : (
            <ul className="plain-list" data-testid="migrate-problems">
              {problems.map((problem) => (
                <li key={`${problem.code}-${problem.elementId}`}>
                  <strong>{displayName(labels, problem.elementId)}</strong>:{' '}
                  {PROBLEM_TEXT[problem.code] ? t(PROBLEM_TEXT[problem.code]!) : problem.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
      <ReasonField testId="migrate-reason" value={reason} onChange={setReason} />
      <ErrorMessage error={error} />
      <div className="dialog-buttons">
        <button type="button" className="btn" onClick={onClose}>
          {t('repair.close')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="migrate-confirm"
          disabled={!report || problems.length > 0 || busy}
          onClick={() => void migrate()}
        >
          {t('repair.migrate.confirm')}
        </button>
      </div>
    </div>
  );
}
