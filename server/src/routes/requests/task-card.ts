import type { FastifyInstance } from 'fastify';
import { visibleTask } from '../../auth/visibility.js';
import type { RequestUser } from '../../types.js';
import { type FormCache, formOf, processNames, taskNames } from './request-view.js';

/** The names a uiSchema lists under `ui:headline`: strings, or `{ name }` entries. */
function headlineNames(uiSchema: Record<string, unknown> | undefined): string[] {
  const declared = uiSchema?.['ui:headline'];
  if (!Array.isArray(declared)) return [];
  return declared.flatMap((item: unknown) =>
    typeof item === 'string'
      ? [item]
      : item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string'
        ? [(item as { name: string }).name]
        : [],
  );
}

const HIDDEN = new Set(['NOT_FOUND', 'TASK_NOT_FOUND']);

/** The task if the caller may see it, else null (a task claimed away meanwhile simply has no card). */
async function seenTask(app: FastifyInstance, user: RequestUser, taskId: string) {
  try {
    return await visibleTask(app, user, taskId);
  } catch (error) {
    if (HIDDEN.has((error as { code?: unknown }).code as string)) return null;
    throw error;
  }
}

/**
 * The inbox card of one task the caller may see (null otherwise, as for a task that does not
 * exist): the process name, the business key, the task's names, and its form's headline variables.
 */
export async function taskCard(app: FastifyInstance, user: RequestUser, taskId: string, forms: FormCache) {
  const task = await seenTask(app, user, taskId);
  if (!task) return null;
  const [instance, model, form] = await Promise.all([
    app.engine.getInstance(task.instanceId),
    app.engine.getModel(task.definitionId),
    formOf(app, forms, task.formId),
  ]);
  return {
    taskId: task.id,
    processName: processNames(app, task.processId, model.name),
    businessKey: instance.businessKey,
    taskName: taskNames(task, form),
    headline: headlineNames(form?.uiSchema).map((name) => ({ name, value: task.variables[name] ?? null })),
  };
}
