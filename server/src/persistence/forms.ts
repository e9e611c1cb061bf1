import { type Kysely, sql } from 'kysely';
import { problems } from '../errors.js';
import { isUniqueViolation } from './db-errors.js';
import type { ServerTables } from './tables.js';

/** One immutable version of a form. */
/** Plain text, or `{ en, zh }`. */
export type FormName = string | { en: string; zh?: string };
/** Locale -> JSON pointer into the schema -> text. */
export type FormI18n = Record<string, Record<string, string>>;

export interface FormRecord {
  readonly formId: string;
  readonly version: number;
  readonly name: FormName;
  readonly schema: Record<string, unknown>;
  readonly uiSchema: Record<string, unknown>;
  readonly i18n: FormI18n | null;
  readonly createdAt: Date;
  readonly createdBy: string | null;
}

type Db = Kysely<ServerTables>;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The uiSchema with the schema's property order written down as `ui:order`, at the root and in
 * every nested object (array items included), wherever the uiSchema does not give one already.
 * jsonb keeps object keys in its own order (shortest first), so the order a form was designed in
 * survives a save only this way; a `ui:order` that is already there wins.
 *
 * @example withFieldOrder({ properties: { b: {}, a: {} } }, {}) // { 'ui:order': ['b', 'a', '*'] }
 */
export function withFieldOrder(schema: unknown, uiSchema: unknown): JsonObject {
  const ui: JsonObject = isObject(uiSchema) ? { ...uiSchema } : {};
  if (!isObject(schema)) return ui;
  if (isObject(schema.properties)) {
    const keys = Object.keys(schema.properties);
    if (keys.length > 1 && !Array.isArray(ui['ui:order'])) ui['ui:order'] = [...keys, '*'];
    for (const [key, property] of Object.entries(schema.properties)) {
      const nested = withFieldOrder(property, ui[key]);
      if (Object.keys(nested).length > 0) ui[key] = nested;
    }
  }
  if (isObject(schema.items)) {
    const items = withFieldOrder(schema.items, ui.items);
    if (Object.keys(items).length > 0) ui.items = items;
  }
  return ui;
}
type FormRow = ServerTables['forms'] & { created_at: Date };

function toRecord(row: FormRow): FormRecord {
  return {
    formId: row.form_id,
    version: row.version,
    name: row.name as FormName,
    schema: row.schema as Record<string, unknown>,
    uiSchema: row.ui_schema as Record<string, unknown>,
    i18n: (row.i18n ?? null) as FormI18n | null,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

/** Forms, versioned by form id: saving always adds a version. */
export function formQueries(db: Db) {
  return {
    /**
     * Saves the next version; a concurrent save of the same form id is a 409. The field order is
     * kept as `ui:order` (see {@link withFieldOrder}).
     */
    async save(f: {
      formId: string;
      name: FormName;
      schema: unknown;
      uiSchema: unknown;
      i18n?: unknown;
      createdBy: string | null;
    }): Promise<FormRecord> {
      try {
        const row = await db
          .insertInto('forms')
          .columns(['form_id', 'version', 'name', 'schema', 'ui_schema', 'i18n', 'created_by'])
          .expression(
            db
              .selectFrom('forms')
              .select([
                sql.val(f.formId).as('form_id'),
                sql<number>`coalesce(max(version), 0) + 1`.as('version'),
                sql`${JSON.stringify(f.name)}::jsonb`.as('name'),
                sql`${JSON.stringify(f.schema)}::jsonb`.as('schema'),
                sql`${JSON.stringify(withFieldOrder(f.schema, f.uiSchema))}::jsonb`.as('ui_schema'),
                sql`${f.i18n === undefined ? null : JSON.stringify(f.i18n)}::jsonb`.as('i18n'),
                sql.val(f.createdBy).as('created_by'),
              ])
              .where('form_id', '=', f.formId),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRecord(row as FormRow);
      } catch (err) {
        if (isUniqueViolation(err))
          throw problems.conflict('FORM_VERSION_CONFLICT', 'The form was saved concurrently');
        throw err;
      }
    },

    /** A given version, or the latest. */
    async get(formId: string, version?: number): Promise<FormRecord | null> {
      let query = db.selectFrom('forms').selectAll().where('form_id', '=', formId);
      query =
        version === undefined
          ? query.orderBy('version', 'desc').limit(1)
          : query.where('version', '=', version);
      const row = await query.executeTakeFirst();
      return row ? toRecord(row as FormRow) : null;
    },

    /** The latest version of each form, by form id. */
    async listLatest(f: {
      q?: string;
      limit: number;
      offset: number;
    }): Promise<{ items: FormRecord[]; total: number }> {
      let latest = db
        .selectFrom('forms as f')
        .selectAll('f')
        .where('f.version', '=', (eb) =>
          eb
            .selectFrom('forms as g')
            .select(sql<number>`max(g.version)`.as('v'))
            .whereRef('g.form_id', '=', 'f.form_id'),
        );
      if (f.q) {
        const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        latest = latest.where((eb) =>
          eb.or([eb('f.form_id', 'ilike', like), eb(sql<string>`f.name::text`, 'ilike', like)]),
        );
      }
      const [rows, total] = await Promise.all([
        latest.orderBy('f.form_id').limit(f.limit).offset(f.offset).execute(),
        latest.clearSelect().select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map((r) => toRecord(r as FormRow)), total: Number(total.n) };
    },

    /** Which of these form ids exist (any version). */
    async existing(formIds: readonly string[]): Promise<Set<string>> {
      if (formIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('forms')
        .select('form_id')
        .distinct()
        .where('form_id', 'in', [...formIds])
        .execute();
      return new Set(rows.map((r) => r.form_id));
    },
  };
}
