import { describe, expect, it } from 'vitest';
import { workloadBars } from './kpi-charts.js';

describe('workloadBars', () => {
  it('sums open tasks per person and per group, largest first', () => {
    // given
    const workload = [
      { assignee: 'sam', group: null, open: 2 },
      { assignee: null, group: 'staff', open: 3 },
      { assignee: 'kim', group: 'staff', open: 1 },
      { assignee: 'kim', group: null, open: 4 },
    ];
    // when
    const bars = workloadBars(workload);
    // then
    expect(bars.people).toEqual([
      { label: 'kim', value: 5 },
      { label: 'sam', value: 2 },
    ]);
    expect(bars.groups).toEqual([{ label: 'staff', value: 4 }]);
  });
});
