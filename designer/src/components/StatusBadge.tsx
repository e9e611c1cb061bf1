/** A small colored pill for a state (running, completed, overdue...). */
export function StatusBadge({ tone, children, testId }: { tone: string; children: string; testId?: string }) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}
