import { type Kysely, sql } from 'kysely';
import type { KpiSummary } from '../api.js';
import type { WorkingTime } from '../calendar/calendar.js';
import type { DB } from './schema.js';

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/**
 * How many recent completed instances the working-time average reads: it is computed in
 * JavaScript (a calendar's holidays are data, not SQL), so it is bounded. Spans over a year are
 * left out of it (each day of a span costs a calendar lookup).
 */
export const WORKING_TIME_SAMPLE = 200;

/**
 * Per-process figures for the manager view, computed in SQL; the working-time average (docs/TEAMS.md,
 * "Working hours") over the WORKING_TIME_SAMPLE most recently completed instances on `working`.
 */
export async function processKpis(
  db: Kysely<DB>,
  processId: string,
  now: Date,
  calendar?: { readonly id: string; readonly time: WorkingTime },
): Promise<KpiSummary> {
  const history = kpiHistoryQueries(processId, await kpiHistorySince(db, processId));
  const [cycle, overdue, escalations, workload, perElement, recent] = await Promise.all([
    sql<{ running: string; completed: string; avg_ms: number | null; p90_ms: number | null }>`
      SELECT count(*) FILTER (WHERE status = 'active') AS running,
        count(*) FILTER (WHERE status = 'completed') AS completed,
        avg(extract(epoch FROM ended_at - started_at) * 1000) FILTER (WHERE status = 'completed') AS avg_ms,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - started_at) * 1000)
          FILTER (WHERE status = 'completed') AS p90_ms
      FROM instances WHERE process_id = ${processId}`.execute(db),
    sql<{ n: string }>`SELECT count(*) AS n FROM user_tasks
      WHERE process_id = ${processId} AND state = 'created' AND due_at < ${now}::timestamptz`.execute(db),
    history.escalations.execute(db),
    sql<{ assignee: string | null; grp: string | null; open: string }>`
      SELECT assignee, NULL::text AS grp, count(*) AS open FROM user_tasks
        WHERE process_id = ${processId} AND state = 'created' AND assignee IS NOT NULL GROUP BY assignee
      UNION ALL
      SELECT NULL::text, g, count(*) FROM user_tasks, unnest(candidate_groups) AS g
        WHERE process_id = ${processId} AND state = 'created' AND assignee IS NULL GROUP BY g
      ORDER BY 3 DESC, 1, 2`.execute(db),
    history.perElement.execute(db),
    calendar
      ? sql<{ started_at: Date; ended_at: Date }>`SELECT started_at, ended_at FROM instances
          WHERE process_id = ${processId} AND status = 'completed'
            AND ended_at - started_at <= interval '366 days'
          ORDER BY ended_at DESC LIMIT ${WORKING_TIME_SAMPLE}`.execute(db)
      : Promise.resolve({ rows: [] }),
  ]);
  const spans = recent.rows.map(
    (row) => calendar?.time.between(new Date(row.started_at), new Date(row.ended_at)) ?? 0,
  );
  const figures = cycle.rows[0];
  const timePerElement: Record<string, number> = {};
  for (const row of perElement.rows) timePerElement[row.element_id] = Math.round(Number(row.avg_ms));
  return {
    processId,
    running: Number(figures?.running ?? 0),
    completed: Number(figures?.completed ?? 0),
    avgCycleMs: num(figures?.avg_ms),
    p90CycleMs: num(figures?.p90_ms),
    calendarId: calendar?.id ?? null,
    avgWorkingCycleMs: spans.length > 0 ? Math.round(spans.reduce((a, b) => a + b, 0) / spans.length) : null,
    overdueTasks: Number(overdue.rows[0]?.n ?? 0),
    escalations: Number(escalations.rows[0]?.n ?? 0),
    workload: workload.rows.map((row) => ({
      assignee: row.assignee,
      group: row.grp,
      open: Number(row.open),
    })),
    timePerElement,
  };
}

/** When the process's oldest instance still held started, a day early (see historyQuery); null: none. */
export async function kpiHistorySince(db: Kysely<DB>, processId: string): Promise<Date | null> {
  const { rows } = await sql<{ since: Date | null }>`
    SELECT min(started_at) - interval '1 day' AS since FROM instances WHERE process_id = ${processId}`.execute(
    db,
  );
  const since = rows[0]?.since;
  return since === null || since === undefined ? null : new Date(since);
}

/**
 * The KPI reads of `history`, for one process. No history row of an instance is older than its
 * start (less a day, for engine clocks that disagree a little), so `at >= since` lets PostgreSQL
 * skip every month before the process's oldest instance (`history` is partitioned by month).
 */
export function kpiHistoryQueries(processId: string, since: Date | null) {
  const from = since ?? new Date();
  return {
    escalations: sql<{
      n: string;
    }>`SELECT count(*) AS n FROM history h JOIN instances i ON i.id = h.instance_id
      WHERE i.process_id = ${processId} AND h.type = 'escalation.thrown' AND h.at >= ${from}::timestamptz`,
    // Each completion pairs with the latest entry of the same element before it (loops re-enter).
    perElement: sql<{ element_id: string; avg_ms: number }>`
      SELECT c.element_id, avg(extract(epoch FROM c.at - e.at) * 1000) AS avg_ms
      FROM history c
      JOIN instances i ON i.id = c.instance_id
      CROSS JOIN LATERAL (
        SELECT at FROM history e
        WHERE e.instance_id = c.instance_id AND e.element_id = c.element_id AND e.type = 'element.entered'
          AND e.seq < c.seq AND e.at >= ${from}::timestamptz
        ORDER BY e.seq DESC LIMIT 1
      ) e
      WHERE i.process_id = ${processId} AND c.type IN ('element.completed', 'element.terminated')
        AND c.at >= ${from}::timestamptz
      GROUP BY c.element_id`,
  };
}
