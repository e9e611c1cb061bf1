/** `{ $ref: '<id>#' }` into the shared schemas. */
export function ref(id: string): { $ref: string } {
  return { $ref: `${id}#` };
}

/** The error answers every route may give, for validation-free serialization and the OpenAPI document. */
export const problemResponses = { '4xx': ref('problem'), '5xx': ref('problem') } as const;

/** Paginates an in-memory list the same way lists from the database are. */
export function pageOf<T>(all: readonly T[], limit: number, offset: number) {
  return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
}
