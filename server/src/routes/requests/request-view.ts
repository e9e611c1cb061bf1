import type { InstanceSummary, Task } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import type { ManagerScope } from '../../auth/process-scope.js';
import type { FormRecord } from '../../persistence/forms.js';
import { isoOrNull } from '../../util/dates.js';
import { instanceSummaryDto } from '../dto.js';

type Names = { en: string; zh?: string };

/** Forms read once per request, by id. */
export type FormCache = Map<string, Promise<FormRecord | null>>;

export function formOf(
  app: FastifyInstance,
  forms: FormCache,
  formId: string | null,
): Promise<FormRecord | null> {
  if (!formId) return Promise.resolve(null);
  let form = forms.get(formId);
  if (!form) {
    form = app.store.forms.get(formId);
    forms.set(formId, form);
  }
  return form;
}

/** The Chinese name a built-in template gives its process, if this process came from one. */
function templateProcessName(app: FastifyInstance, processId: string): string | undefined {
  for (const template of app.templates) {
    const manifest = template.manifest as { processId?: unknown; name?: unknown };
    if (manifest.processId !== processId) continue;
    const name = manifest.name as { zh?: unknown } | undefined;
    if (name && typeof name.zh === 'string') return name.zh;
  }
  return undefined;
}

/** A process's name: the BPMN's in English, the template's in Chinese when it came from one. */
export function processNames(app: FastifyInstance, processId: string, bpmnName: string | undefined): Names {
  const zh = templateProcessName(app, processId);
  const en = bpmnName || processId;
  return zh ? { en, zh } : { en };
}

/**
 * A task's name in English (from the BPMN) and in Chinese: its form's Chinese name, else the
 * Chinese title the form's translations give (`i18n.zh["/title"]`, as the templates' forms do).
 */
export function taskNames(task: Task, form: FormRecord | null | undefined): Names {
  const en = task.name || task.elementId;
  const zh = (typeof form?.name === 'object' ? form.name.zh : undefined) ?? form?.i18n?.zh?.['/title'];
  return zh ? { en, zh } : { en };
}

/**
 * One request as its requester follows it: the instance, the steps its tokens are at (by name),
 * its open tasks with who has them, and whether the caller may cancel it. Reads the instance, its
 * open tasks and their forms; the process model comes from the engine's cache.
 */
export async function requestView(
  app: FastifyInstance,
  instance: InstanceSummary,
  scope: ManagerScope,
  forms: FormCache,
) {
  const [detail, model, tasks] = await Promise.all([
    instance.status === 'active' ? app.engine.getInstance(instance.id) : null,
    app.engine.getModel(instance.definitionId),
    instance.status === 'active'
      ? app.engine.listTasks({ instanceId: instance.id, state: 'created', limit: 100 })
      : { items: [] as Task[], total: 0 },
  ]);
  const openTasks = await Promise.all(
    tasks.items.map(async (task) => ({
      id: task.id,
      elementId: task.elementId,
      name: taskNames(task, await formOf(app, forms, task.formId)),
      assignee: task.assignee,
      candidateUsers: [...task.candidateUsers],
      candidateGroups: [...task.candidateGroups],
      dueAt: isoOrNull(task.dueAt),
    })),
  );
  const currentSteps = Object.keys(detail?.activeElements ?? {}).map((elementId) => ({
    elementId,
    name: model.elements[elementId]?.name || elementId,
  }));
  return {
    ...instanceSummaryDto(instance),
    processName: processNames(app, instance.processId, model.name),
    currentSteps,
    openTasks,
    canCancel: instance.status === 'active' && scope.manages(instance.processId),
  };
}
