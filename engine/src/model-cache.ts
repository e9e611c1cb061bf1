import type { Kysely } from 'kysely';
import { DefinitionNotFoundError, EngineError } from './errors.js';
import { compileBpmn } from './model/compile.js';
import type { ProcessModel } from './model/types.js';
import type { DB } from './persistence/schema.js';

/**
 * Compiled models, in memory, by definition id. A definition never changes once deployed, so an
 * entry never goes stale; only "which version is latest" can, and that is re-read from the
 * database wherever it matters (starting instances, call activities).
 */
export class ModelCache {
  readonly #byDefinition = new Map<string, Promise<ProcessModel>>();
  /** processId -> latest known definition id, for the runtime's synchronous `findProcess`. */
  readonly #latest = new Map<
    string,
    { readonly definitionId: string; readonly version: number; readonly model: ProcessModel }
  >();

  constructor(readonly db: Kysely<DB>) {}

  /** The compiled model of a definition; compiles the stored XML once on a miss. */
  get(definitionId: string, db: Kysely<DB> = this.db): Promise<ProcessModel> {
    let pending = this.#byDefinition.get(definitionId);
    if (!pending) {
      pending = this.#load(definitionId, db);
      this.#byDefinition.set(definitionId, pending);
      pending.catch(() => this.#byDefinition.delete(definitionId));
    }
    return pending;
  }

  /** Seeds the cache with a model compiled at deploy. */
  put(definitionId: string, model: ProcessModel): void {
    this.#byDefinition.set(definitionId, Promise.resolve(model));
  }

  /** Records `definitionId` as the latest version of its process, for `findProcess`. */
  markLatest(definitionId: string, version: number, model: ProcessModel): void {
    this.put(definitionId, model);
    const known = this.#latest.get(model.id);
    if (!known || known.version <= version) this.#latest.set(model.id, { definitionId, version, model });
  }

  /**
   * The latest version known in memory, for starting instances without a read. Callers must let
   * the write check that no newer version exists (another process may have deployed one) and
   * call `forgetLatest` when it does.
   */
  cachedLatest(
    processId: string,
  ): { readonly id: string; readonly process_id: string; readonly version: number } | undefined {
    const known = this.#latest.get(processId);
    return known ? { id: known.definitionId, process_id: processId, version: known.version } : undefined;
  }

  forgetLatest(processId: string): void {
    this.#latest.delete(processId);
  }

  /** The latest model known in memory; `refreshLatest` loads one on a miss. */
  latestModel(processId: string): ProcessModel | undefined {
    return this.#latest.get(processId)?.model;
  }

  /** Reads the latest version of `processId` from the database into the cache; false if none. */
  async refreshLatest(processId: string, db: Kysely<DB> = this.db): Promise<boolean> {
    const row = await db
      .selectFrom('definitions')
      .select(['id', 'version'])
      .where('process_id', '=', processId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return false;
    this.markLatest(row.id, row.version, await this.get(row.id, db));
    return true;
  }

  async #load(definitionId: string, db: Kysely<DB>): Promise<ProcessModel> {
    const row = await db
      .selectFrom('definitions')
      .select(['xml', 'process_id'])
      .where('id', '=', definitionId)
      .executeTakeFirst();
    if (!row) throw new DefinitionNotFoundError(definitionId);
    const { processes } = await compileBpmn(row.xml);
    const model = processes.find((p) => p.id === row.process_id);
    if (!model)
      throw new EngineError('DEFINITION_INVALID', `Stored definition ${definitionId} no longer compiles`);
    return model;
  }
}
