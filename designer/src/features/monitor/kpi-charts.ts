import type { Bar } from '../../components/BarChart.js';

/** Open work summed per person and per group, largest first. */
export function workloadBars(
  workload: readonly { assignee: string | null; group: string | null; open: number }[],
): {
  people: Bar[];
  groups: Bar[];
} {
  const people = new Map<string, number>();
  const groups = new Map<string, number>();
  for (const row of workload) {
    if (row.assignee) people.set(row.assignee, (people.get(row.assignee) ?? 0) + row.open);
    if (row.group) groups.set(row.group, (groups.get(row.group) ?? 0) + row.open);
  }
  const bars = (map: Map<string, number>) =>
    [...map.entries()].map(([label, value]) => ({ label, value })).sort((a, b) => b.value - a.value);
  return { people: bars(people), groups: bars(groups) };
}
