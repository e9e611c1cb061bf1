/** ISO 8601 text of a date the engine or the database returned (Date or already a string). */
export function iso(value: Date | string): string {
  return typeof value === 'string' ? new Date(value).toISOString() : value.toISOString();
}

/** Like `iso`, keeping null. */
export function isoOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : iso(value);
}
