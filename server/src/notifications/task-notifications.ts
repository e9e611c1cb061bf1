import type { Task } from '@baton/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { digestDueAt, publishNotifications } from './notify-handler.js';

/** The task actions that put a task in someone else's hands, by route. */
const ACTIONS = {
  '/api/tasks/:id/handoff': 'task.handedOff',
  '/api/tasks/:id/delegate': 'task.delegated',
  '/api/tasks/:id/return': 'task.returned',
  '/api/tasks/:id/assign': 'task.assigned',
} as const;

type Kind = (typeof ACTIONS)[keyof typeof ACTIONS];

const SUBJECTS: Record<Kind, (task: Task, by: string) => string> = {
  'task.handedOff': (task, by) => `${by} handed "${task.name || task.elementId}" over to you`,
  'task.delegated': (task, by) => `${by} delegated "${task.name || task.elementId}" to you`,
  'task.returned': (task, by) => `${by} returned "${task.name || task.elementId}" to you`,
  'task.assigned': (task, by) => `${by} assigned "${task.name || task.elementId}" to you`,
};

interface ActionBody {
  readonly toUser?: string;
  readonly toGroup?: string;
  readonly targetElementId?: string;
  readonly reason?: string | null;
}

/** Who must hear of it: the task's assignee, else whoever may claim it (the actor is left out). */
function recipientsOf(task: Task, actor: string): { usernames: string[]; groups: string[] } {
  if (task.assignee) return { usernames: task.assignee === actor ? [] : [task.assignee], groups: [] };
  return { usernames: [...task.candidateUsers], groups: [...task.candidateGroups] };
}

/** The task as it stands after the action: the same task, or for a return the one it reopened. */
async function taskAfter(
  app: FastifyInstance,
  kind: Kind,
  taskId: string,
  body: ActionBody,
): Promise<Task | null> {
  const task = await app.engine.getTask(taskId);
  if (kind !== 'task.returned') return task;
  const open = await app.engine.listTasks({ instanceId: task.instanceId, state: 'created', limit: 100 });
  return open.items.find((t) => t.elementId === body.targetElementId) ?? null;
}

async function notify(app: FastifyInstance, kind: Kind, req: FastifyRequest): Promise<void> {
  const { id } = req.params as { id: string };
  const body = (req.body ?? {}) as ActionBody;
  const actor = req.user?.username ?? '';
  const task = await taskAfter(app, kind, id, body);
  if (!task) return;
  const { usernames, groups } = recipientsOf(task, actor);
  if (usernames.length === 0 && groups.length === 0) return;
  const added = await app.store.notifications.record({
    usernames,
    groups,
    except: actor,
    subject: SUBJECTS[kind](task, actor),
    body: body.reason?.trim() || null,
    // What the app needs to word it in the reader's language and link to the task.
    data: { kind, taskId: task.id, elementId: task.elementId, task: task.name || task.elementId, by: actor },
    instanceId: task.instanceId,
    jobId: null,
    now: app.engine.clock.now(),
    digestDueAt: digestDueAt(app, app.engine.clock.now()),
  });
  publishNotifications(app.live, added);
}

/**
 * Assignment, hand-off, delegation and return tell the people the task now waits for (in-app notifications,
 * live on their event streams, and by mail as each one chose). It runs once the action has succeeded and before the answer goes
 * out, so the caller's next read already sees the notification; a failure here is logged and
 * never undoes or fails the action, which is already committed.
 */
export function registerTaskNotifications(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const kind = ACTIONS[req.routeOptions.url as keyof typeof ACTIONS];
    if (!kind || reply.statusCode >= 300) return payload;
    try {
      await notify(app, kind, req);
    } catch (error) {
      req.log.warn({ err: error }, 'task notification not recorded');
    }
    return payload;
  });
}
