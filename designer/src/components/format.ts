/** Formats a duration in ms as `2d 3h`, `4h 5m`, `12m`, `30s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** True when a due date lies in the past. */
export function isOverdue(dueAt: string | null | undefined, now = Date.now()): boolean {
  return !!dueAt && new Date(dueAt).getTime() < now;
}
