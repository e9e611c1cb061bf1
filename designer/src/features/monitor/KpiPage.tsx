import { api } from '../../api/client.js';
import { definitionXml } from '../../api/definitions.js';
import type { Kpis, ProcessList } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { href } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { BarChart } from '../../components/BarChart.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { formatDuration } from '../../components/format.js';
import { LazyDiagram } from '../../components/LazyDiagram.js';
import { Loading } from '../../components/Loading.js';
import { workloadBars } from './kpi-charts.js';

/** Per-process figures: throughput, cycle times, overdue work, workload and a heat map. */
export function KpiPage({ processId }: { processId?: string }) {
  const { t } = useI18n();
  const processes = useAsync(
    () => api.get<ProcessList>('/api/processes', { limit: 200 }).then((page) => page.items),
    [],
  );
  const kpis = useAsync(
    () =>
      processId
        ? api.get<Kpis>(`/api/processes/${encodeURIComponent(processId)}/kpis`)
        : Promise.resolve(null),
    [processId],
  );
  const definitionId = processes.data?.find((p) => p.processId === processId)?.definitionId;
  const xml = useAsync(
    () => (definitionId ? definitionXml(definitionId) : Promise.resolve('')),
    [definitionId],
  );

  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('kpi.title')}</h1>
        <select
          aria-label={t('instances.process')}
          value={processId ?? ''}
          onChange={(e) => {
            window.location.hash = `#/kpis/${encodeURIComponent(e.target.value)}`;
          }}
        >
          <option value="">{t('kpi.pick')}</option>
          {(processes.data ?? []).map((p) => (
            <option key={p.processId} value={p.processId}>
              {p.name || p.processId}
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={processes.error ?? kpis.error} />
      {!processId ? (
        <ul className="plain-list">
          {(processes.data ?? []).map((p) => (
            <li key={p.processId}>
              <a href={href(`/kpis/${encodeURIComponent(p.processId)}`)}>{p.name || p.processId}</a>
            </li>
          ))}
        </ul>
      ) : null}
      {processId && kpis.loading ? <Loading /> : null}
      {kpis.data ? <KpiBody kpis={kpis.data} xml={xml.data ?? ''} /> : null}
    </section>
  );
}

function KpiBody({ kpis, xml }: { kpis: Kpis; xml: string }) {
  const { t } = useI18n();
  const { people, groups } = workloadBars(kpis.workload);
  const figures: [string, string][] = [
    [t('kpi.running'), String(kpis.running)],
    [t('kpi.completed'), String(kpis.completed)],
    [t('kpi.avgCycle'), formatDuration(kpis.avgCycleMs)],
    [t('kpi.avgWorkingCycle', { calendar: kpis.calendarId ?? '—' }), formatDuration(kpis.avgWorkingCycleMs)],
    [t('kpi.p90Cycle'), formatDuration(kpis.p90CycleMs)],
    [t('kpi.overdue'), String(kpis.overdueTasks)],
    [t('kpi.escalations'), String(kpis.escalations)],
  ];
  return (
    <>
      <div className="kpi-grid" data-testid="kpis">
        {figures.map(([label, value]) => (
          <div key={label} className="kpi">
            <div className="kpi-value">{value}</div>
            <div className="kpi-label">{label}</div>
          </div>
        ))}
      </div>
      <div className="chart-row card">
        <BarChart title={t('kpi.workloadPeople')} bars={people} empty={t('kpi.noOpenTasks')} />
        <BarChart
          title={t('kpi.workloadGroups')}
          bars={groups}
          empty={t('kpi.noOpenTasks')}
          color="#2f9e6e"
        />
      </div>
      <div className="card">
        <h2>{t('kpi.heatmap')}</h2>
        <p className="muted">{t('kpi.heatmapHint')}</p>
        {xml ? <LazyDiagram xml={xml} height={420} decorations={{ heat: kpis.timePerElement }} /> : null}
      </div>
    </>
  );
}
