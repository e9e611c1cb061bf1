import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { Job, JobFilter, Page } from '../api.js';
import { isUuid } from '../persistence/ids.js';
import type { ProcessExclusion } from '../persistence/instance-queries.js';
import { jobFromRow } from '../persistence/rows.js';
import type { DB } from '../persistence/schema.js';

const MAX_LIMIT = 500;

type JobExpressions = ExpressionBuilder<DB, 'jobs'>;

/**
 * The operator's job list: plain reads, so listing never takes a lease, bumps `attempts` or
 * waits on a worker's claim. Due jobs first (the order the executor claims them in).
 */
export async function listJobs(
  db: Kysely<DB>,
  filter: JobFilter & ProcessExclusion,
  now: Date,
): Promise<Page<Job>> {
  if (filter.instanceId !== undefined && !isUuid(filter.instanceId)) return { items: [], total: 0 };
  const where = (eb: JobExpressions): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [];
    if (filter.type !== undefined) parts.push(eb('job_type', '=', filter.type));
    if (filter.instanceId !== undefined) parts.push(eb('instance_id', '=', filter.instanceId));
    if (filter.processId !== undefined) {
      parts.push(
        eb(
          'definition_id',
          'in',
          eb.selectFrom('definitions').select('definitions.id').where('process_id', '=', filter.processId),
        ),
      );
    }
    if (filter.excludeProcessIds && filter.excludeProcessIds.length > 0) {
      parts.push(
        eb(
          'definition_id',
          'not in',
          eb
            .selectFrom('definitions')
            .select('definitions.id')
            .where('process_id', 'in', [...filter.excludeProcessIds]),
        ),
      );
    }
    switch (filter.state) {
      case 'ready':
        parts.push(
          eb.and([
            eb('retries', '>', 0),
            eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]),
          ]),
        );
        break;
      case 'locked':
        parts.push(eb.and([eb('retries', '>', 0), eb('locked_until', '>=', now)]));
        break;
      case 'failed':
        parts.push(eb('retries', '=', 0));
        break;
      case undefined:
        break;
    }
    return eb.and(parts);
  };
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), MAX_LIMIT);
  const offset = Math.max(filter.offset ?? 0, 0);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('jobs')
      .selectAll()
      .where(where)
      .orderBy('due_at')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute(),
    db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(jobFromRow), total: Number(count.total) };
}
