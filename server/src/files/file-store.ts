import type { Kysely } from 'kysely';

/** The `files` table (migration `0005_files`). Internal: the API shows `FileInfo`. */
export interface FileTables {
  files: {
    id: string;
    name: string;
    type: string;
    size: number;
    sha256: string;
    bytes: Uint8Array;
    uploaded_by: string;
    instance_id: string | null;
    created_at: Date;
    attached_at: Date | null;
  };
}

/** An uploaded file without its bytes. */
export interface FileRecord {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly sha256: string;
  readonly uploadedBy: string;
  readonly instanceId: string | null;
  readonly createdAt: Date;
}

const META = ['id', 'name', 'type', 'size', 'sha256', 'uploaded_by', 'instance_id', 'created_at'] as const;

type MetaRow = Pick<FileTables['files'], (typeof META)[number]>;

function toRecord(r: MetaRow): FileRecord {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    size: Number(r.size),
    sha256: r.sha256,
    uploadedBy: r.uploaded_by,
    instanceId: r.instance_id,
    createdAt: new Date(r.created_at),
  };
}

/** Queries of the files table; the bytes are read only by `bytes`. */
export function fileQueries(db: Kysely<FileTables>) {
  return {
    async insert(f: Omit<FileRecord, 'instanceId'> & { bytes: Uint8Array }): Promise<void> {
      await db
        .insertInto('files')
        .values({
          id: f.id,
          name: f.name,
          type: f.type,
          size: f.size,
          sha256: f.sha256,
          bytes: f.bytes,
          uploaded_by: f.uploadedBy,
          instance_id: null,
          created_at: f.createdAt,
          attached_at: null,
        })
        .execute();
    },

    async get(id: string): Promise<FileRecord | null> {
      const row = await db.selectFrom('files').select(META).where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async getMany(ids: readonly string[]): Promise<FileRecord[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('files').select(META).where('id', 'in', ids).execute();
      return rows.map(toRecord);
    },

    async bytes(id: string): Promise<Buffer | null> {
      const row = await db.selectFrom('files').select('bytes').where('id', '=', id).executeTakeFirst();
      // node-pg gives a Buffer, PGlite a Uint8Array: one type for the reply.
      return row ? Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength) : null;
    },

    async ofInstance(instanceId: string): Promise<FileRecord[]> {
      const rows = await db
        .selectFrom('files')
        .select(META)
        .where('instance_id', '=', instanceId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    /**
     * Attaches the uploader's own unattached, unexpired uploads to an instance; answers the ids it
     * attached. Conditional, so two forms cannot both take one upload.
     */
    async attach(ids: readonly string[], instanceId: string, uploader: string, notBefore: Date, now: Date) {
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable('files')
        .set({ instance_id: instanceId, attached_at: now })
        .where('id', 'in', ids)
        .where('instance_id', 'is', null)
        .where('uploaded_by', '=', uploader)
        .where('created_at', '>=', notBefore)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    /** Removes the files of instances that are gone (retention removed them). */
    async removeOfInstances(instanceIds: readonly string[]): Promise<number> {
      if (instanceIds.length === 0) return 0;
      const result = await db.deleteFrom('files').where('instance_id', 'in', instanceIds).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Removes uploads never attached and created before `before`; answers how many. */
    async purgeUnattached(before: Date): Promise<number> {
      const result = await db
        .deleteFrom('files')
        .where('instance_id', 'is', null)
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type FileQueries = ReturnType<typeof fileQueries>;
