import type { Task } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { digestDueAt, publishNotifications } from './notify-handler.js';

/**
 * `@name` where the name has the characters usernames may have and does not continue an e-mail
 * address (`ann@example.com` mentions nobody). A trailing dot ends the sentence, not the name.
 */
const MENTION = /(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_.@-]{1,64})/g;

/** At most this many people are notified by one comment. */
export const MAX_MENTIONS = 20;

/** The distinct names a comment mentions, in order, at most `MAX_MENTIONS`. */
export function mentionedNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const name = (match[1] ?? '').replace(/[.@-]+$/, '');
    if (name) names.add(name);
    if (names.size >= MAX_MENTIONS) break;
  }
  return [...names];
}

/**
 * A comment on `task` by `by` was posted: each real, active user it mentions gets a `task.mentioned`
 * notification and may from now on read the task (`auth/visibility.ts`), though not work on it.
 * Runs after the comment's own transaction; returns how many were notified.
 */
export async function notifyMentions(
  app: FastifyInstance,
  task: Task,
  text: string,
  by: string,
): Promise<number> {
  const names = mentionedNames(text);
  if (names.length === 0) return 0;
  const name = task.name || task.elementId;
  const now = app.engine.clock.now();
  const added = await app.store.watchers.mention(task.id, names, by, {
    subject: `${by} mentioned you on "${name}"`,
    body: text.length > 2000 ? `${text.slice(0, 2000)}…` : text,
    data: { kind: 'task.mentioned', taskId: task.id, elementId: task.elementId, task: name, by },
    instanceId: task.instanceId,
    jobId: null,
    now,
    digestDueAt: digestDueAt(app, now),
  });
  publishNotifications(app.live, added);
  return added.length;
}
