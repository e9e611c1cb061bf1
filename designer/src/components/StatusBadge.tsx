/** A small colored pill for a state (running, completed, overdue...). */
export function StatusBadge({ tone, children }: { tone: string; children: string }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
