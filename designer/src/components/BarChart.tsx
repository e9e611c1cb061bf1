/** One bar of a chart. */
export interface Bar {
  label: string;
  value: number;
}

/** A horizontal bar chart drawn as SVG: labels left, bars scaled to the largest value; `empty` when no bars. */
export function BarChart({
  bars,
  title,
  empty,
  color = '#3b6fd8',
}: {
  bars: Bar[];
  title: string;
  empty: string;
  color?: string;
}) {
  const rowHeight = 28;
  const labelWidth = 140;
  const chartWidth = 360;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * rowHeight + 8;
  if (bars.length === 0)
    return (
      <figure className="chart">
        <figcaption>{title}</figcaption>
        <p className="muted">{empty}</p>
      </figure>
    );
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${labelWidth + chartWidth + 40} ${height}`}
        role="img"
        aria-label={title}
        className="chart-svg"
      >
        {bars.map((bar, index) => {
          const y = index * rowHeight + 4;
          const width = (bar.value / max) * chartWidth;
          return (
            <g key={bar.label}>
              <text x={labelWidth - 8} y={y + 17} textAnchor="end" className="chart-label">
                {bar.label.length > 18 ? `${bar.label.slice(0, 17)}…` : bar.label}
              </text>
              <rect
                x={labelWidth}
                y={y + 4}
                width={Math.max(width, 2)}
                height={rowHeight - 10}
                rx={3}
                fill={color}
              />
              <text x={labelWidth + width + 6} y={y + 17} className="chart-value">
                {bar.value}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
