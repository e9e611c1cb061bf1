import pg from 'pg';

/**
 * Checks, over the whole database, that state and its side tables agree: every waiting token has
 * exactly the row it waits on and every open row has its token, nothing was created twice, finished
 * instances left nothing behind, and history agrees with state. Returns the violations found.
 */
export async function checkInvariants(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const violations: string[] = [];
  const expectNone = async (what: string, query: string) => {
    const { rows } = await client.query(query);
    if (rows.length > 0)
      violations.push(
        `${what}: ${JSON.stringify(rows.slice(0, 5))}${rows.length > 5 ? ` (+${rows.length - 5})` : ''}`,
      );
  };
  try {
    const tokens = `with tok as (
      select i.id as instance_id, t as token from instances i, jsonb_array_elements(i.state->'tokens') t where i.status = 'active')`;
    await expectNone(
      'a token waits on a user task that is not open',
      `${tokens} select instance_id, token->>'id' as token_id from tok where token->'wait'->>'kind' = 'userTask'
        and not exists (select 1 from user_tasks u where u.id = (token->'wait'->>'taskId')::uuid and u.state = 'created'
          and u.instance_id = tok.instance_id and u.token_id = token->>'id')`,
    );
    await expectNone(
      'an open user task has no token waiting on it',
      `${tokens} select u.id, u.instance_id, u.element_id from user_tasks u where u.state = 'created'
        and not exists (select 1 from tok where tok.instance_id = u.instance_id and tok.token->'wait'->>'taskId' = u.id::text)`,
    );
    await expectNone(
      'a token waits on a job or timer that does not exist',
      `${tokens} select instance_id, token->>'id' as token_id, token->'wait' as wait from tok
        where token->'wait'->>'kind' in ('job', 'timer')
        and not exists (select 1 from jobs j where j.id = (token->'wait'->>'jobId')::uuid and j.instance_id = tok.instance_id)`,
    );
    await expectNone(
      'a job of an instance has no token or boundary event holding it',
      `${tokens} select j.id, j.instance_id, j.element_id, j.kind from jobs j where j.instance_id is not null
        and not exists (select 1 from tok where tok.instance_id = j.instance_id and (
          tok.token->'wait'->>'jobId' = j.id::text
          or exists (select 1 from jsonb_array_elements(coalesce(tok.token->'boundary', '[]'::jsonb)) b where b->>'jobId' = j.id::text)))`,
    );
    await expectNone(
      'a message subscription has no token holding it',
      `${tokens} select s.id, s.instance_id from message_subscriptions s
        where not exists (select 1 from tok where tok.instance_id = s.instance_id and (
          tok.token->'wait'->>'subscriptionId' = s.id::text
          or exists (select 1 from jsonb_array_elements(coalesce(tok.token->'boundary', '[]'::jsonb)) b where b->>'subscriptionId' = s.id::text)))`,
    );
    await expectNone(
      'a token has two open user tasks, or one task was created twice',
      `select token_id, element_id, count(*) from user_tasks group by token_id, element_id having count(*) > 1`,
    );
    await expectNone(
      'a finished instance left an open task, job or subscription behind',
      `select i.id, i.status from instances i where i.status <> 'active' and (
        exists (select 1 from user_tasks u where u.instance_id = i.id and u.state = 'created')
        or exists (select 1 from jobs j where j.instance_id = i.id)
        or exists (select 1 from message_subscriptions s where s.instance_id = i.id)
        or jsonb_array_length(i.state->'tokens') > 0)`,
    );
    await expectNone(
      'history sequence numbers have gaps or duplicates, or disagree with the instance',
      `select i.id, i.history_seq, count(h.*) as events, count(distinct h.seq) as distinct_seqs, max(h.seq) as max_seq
        from instances i left join history h on h.instance_id = i.id group by i.id, i.history_seq
        having count(h.*) <> count(distinct h.seq) or coalesce(max(h.seq), 0) <> i.history_seq or count(h.*) <> i.history_seq`,
    );
    await expectNone(
      'a status disagrees with history (completed without instance.completed, or the reverse)',
      `select i.id, i.status from instances i where (i.status = 'completed') <>
        exists (select 1 from history h where h.instance_id = i.id and h.type = 'instance.completed')`,
    );
    await expectNone(
      'an instance completed more than once',
      `select instance_id, count(*) from history where type = 'instance.completed' group by instance_id having count(*) > 1`,
    );
    await expectNone(
      'a task was completed without being created, or its history disagrees with its row',
      `select u.id, u.state,
          count(*) filter (where h.type = 'task.created') as created,
          count(*) filter (where h.type = 'task.completed') as completed,
          count(*) filter (where h.type = 'task.cancelled') as cancelled
        from user_tasks u left join history h on h.task_id = u.id group by u.id, u.state
        having count(*) filter (where h.type = 'task.created') <> 1
          or count(*) filter (where h.type = 'task.completed') <> (case when u.state = 'completed' then 1 else 0 end)
          or count(*) filter (where h.type = 'task.cancelled') <> (case when u.state = 'cancelled' then 1 else 0 end)`,
    );
    await expectNone(
      'an incident is open',
      `select id, instance_id, element_id, type, message from incidents where resolved_at is null`,
    );
  } finally {
    await client.end();
  }
  return violations;
}

/**
 * For instances of a process with no loops, every element that was entered was entered once and
 * left once: a duplicated token would enter twice, a lost one would never leave.
 */
export async function checkEachElementOncePerInstance(
  databaseUrl: string,
  processId: string,
): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select h.instance_id, h.element_id,
          count(*) filter (where h.type = 'element.entered') as entered,
          count(*) filter (where h.type = 'element.completed') as completed
        from history h join instances i on i.id = h.instance_id
        where i.process_id = $1 and i.status = 'completed' and h.element_id is not null
          and h.type in ('element.entered', 'element.completed')
        group by h.instance_id, h.element_id
        having count(*) filter (where h.type = 'element.completed') <> 1`,
      [processId],
    );
    return rows.map(
      (row) =>
        `element ${row.element_id} of ${row.instance_id}: entered ${row.entered}, completed ${row.completed}`,
    );
  } finally {
    await client.end();
  }
}
