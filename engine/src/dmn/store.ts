import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DB, DecisionsTable } from '../persistence/schema.js';
import type { TxContext } from '../transaction.js';
import { compileDmn } from './compile.js';
import type { DecisionGraph, DeployedDecision } from './types.js';

/** A deployed version of a decision, as the API lists it. */
export interface DecisionSummary {
  readonly id: string;
  readonly decisionId: string;
  readonly version: number;
  readonly name: string | null;
  /** The `definitions` id of the file it came from. */
  readonly decisionRequirementsId: string;
  readonly hash: string;
  readonly deployedAt: Date;
  readonly deployedBy: string | null;
}

export interface DecisionDeployResult {
  /** One per decision of the file; `isNew` false when its latest version came from the same file. */
  readonly decisions: readonly (DecisionSummary & { readonly isNew: boolean })[];
}

function summaryOf(row: Selectable<DecisionsTable>): DecisionSummary {
  return {
    id: row.id,
    decisionId: row.decision_id,
    version: row.version,
    name: row.name,
    decisionRequirementsId: row.decision_requirements_id,
    hash: row.hash,
    deployedAt: new Date(row.deployed_at),
    deployedBy: row.deployed_by,
  };
}

/**
 * Saves every decision of a compiled file, versioned per decision id as processes are: a decision
 * whose latest version came from the same file (same hash) is not deployed again; any change to
 * the file makes a new version of each of its decisions, since each runs with the others.
 */
export async function saveDecisions(
  cx: TxContext,
  xml: string,
  graph: DecisionGraph,
  actor: string | null,
): Promise<DecisionDeployResult> {
  const decisions: (DecisionSummary & { isNew: boolean })[] = [];
  for (const decision of Object.values(graph.decisions)) {
    const hash = createHash('sha256').update(decision.id).update('\n').update(xml).digest('hex');
    const latest = await cx.trx
      .selectFrom('decisions')
      .selectAll()
      .where('decision_id', '=', decision.id)
      .orderBy('version', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (latest && latest.hash === hash) {
      decisions.push({ ...summaryOf(latest), isNew: false });
      continue;
    }
    const row = await cx.trx
      .insertInto('decisions')
      .values({
        id: randomUUID(),
        decision_id: decision.id,
        version: (latest?.version ?? 0) + 1,
        name: decision.name ?? null,
        decision_requirements_id: graph.id,
        hash,
        xml,
        deployed_at: cx.now,
        deployed_by: actor,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    decisions.push({ ...summaryOf(row), isNew: true });
  }
  return { decisions };
}

/** A deployed version with the whole file it came from. */
export interface DecisionDetail extends DecisionSummary {
  readonly xml: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One stored version by its row id, with its file; undefined when there is none. */
export async function findDecision(db: Kysely<DB>, id: string): Promise<DecisionDetail | undefined> {
  if (!UUID.test(id)) return undefined;
  const row = await db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { ...summaryOf(row), xml: row.xml } : undefined;
}

/** A decision's given version, or its latest; undefined when there is none. */
export async function findDecisionVersion(
  db: Kysely<DB>,
  decisionId: string,
  version?: number,
): Promise<DecisionDetail | undefined> {
  let query = db.selectFrom('decisions').selectAll().where('decision_id', '=', decisionId);
  if (version !== undefined) query = query.where('version', '=', version);
  const row = await query.orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row ? { ...summaryOf(row), xml: row.xml } : undefined;
}

/** Every version of every decision (or the latest of each), by decision id then newest first. */
export async function listDecisions(
  db: Kysely<DB>,
  filter: { readonly decisionId?: string; readonly latestOnly?: boolean } = {},
): Promise<DecisionSummary[]> {
  let query = db.selectFrom('decisions as d').selectAll('d');
  if (filter.decisionId !== undefined) query = query.where('d.decision_id', '=', filter.decisionId);
  if (filter.latestOnly)
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('decisions as newer')
            .select('newer.id')
            .whereRef('newer.decision_id', '=', 'd.decision_id')
            .whereRef('newer.version', '>', 'd.version'),
        ),
      ),
    );
  const rows = await query.orderBy('d.decision_id').orderBy('d.version', 'desc').execute();
  return rows.map(summaryOf);
}

/**
 * The latest version of each decision a business rule task asked for, in memory, for the
 * runtime's synchronous `findDecision`. Which version is latest is re-read from the database
 * after every step that evaluated a decision (`refresh`): another process may have deployed one,
 * and a task runs against the latest at the moment it runs. Compiled files are kept by hash.
 */
export class DecisionCache {
  readonly #latest = new Map<string, DeployedDecision>();
  readonly #graphs = new Map<string, Promise<DecisionGraph>>();

  latest(decisionId: string): DeployedDecision | undefined {
    return this.#latest.get(decisionId);
  }

  /** Records a version deployed by this process (after its commit). */
  remember(decision: DeployedDecision): void {
    const known = this.#latest.get(decision.decisionId);
    if (!known || known.version <= decision.version) this.#latest.set(decision.decisionId, decision);
  }

  /**
   * Reads the latest version of each id; true when one differs from what `served` says was
   * handed to the step (a newer version, or one that was missing), so the step must run again.
   */
  async refresh(served: ReadonlyMap<string, number | undefined>, db: Kysely<DB>): Promise<boolean> {
    const ids = [...served.keys()];
    if (ids.length === 0) return false;
    const rows = await db
      .selectFrom('decisions as d')
      .selectAll('d')
      .where('d.decision_id', 'in', ids)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('decisions as newer')
              .select('newer.id')
              .whereRef('newer.decision_id', '=', 'd.decision_id')
              .whereRef('newer.version', '>', 'd.version'),
          ),
        ),
      )
      .execute();
    let changed = false;
    for (const row of rows) {
      if (served.get(row.decision_id) === row.version) continue;
      const graph = await this.#graph(row.hash, row.xml);
      this.#latest.set(row.decision_id, {
        key: row.id,
        decisionId: row.decision_id,
        version: row.version,
        graph,
      });
      changed = true;
    }
    return changed;
  }

  /** The compiled file of a stored version, compiled once per hash. */
  graphOf(hash: string, xml: string): Promise<DecisionGraph> {
    return this.#graph(hash, xml);
  }

  #graph(hash: string, xml: string): Promise<DecisionGraph> {
    let pending = this.#graphs.get(hash);
    if (!pending) {
      pending = compileDmn(xml).then(({ graph, issues }) => {
        if (!graph) throw new Error(`a stored DMN file no longer compiles: ${issues[0]?.message ?? ''}`);
        return graph;
      });
      this.#graphs.set(hash, pending);
      pending.catch(() => this.#graphs.delete(hash));
    }
    return pending;
  }
}
