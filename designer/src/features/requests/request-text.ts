import type { RequestSummary } from '@baton/schemas';
import type { Locale } from '../../app/i18n-core.js';

type Names = { en: string; zh?: string };
type OpenTask = RequestSummary['openTasks'][number];

/** The name in the reader's language, English when no translation was given. */
export function nameIn(names: Names, locale: Locale): string {
  return (locale === 'zh' ? names.zh : undefined) ?? names.en;
}

/** Where a request waits, by name: its open tasks first (in the reader's language), then other steps. */
export function whereNow(request: RequestSummary, locale: Locale): string[] {
  const taskElements = new Set(request.openTasks.map((task) => task.elementId));
  const tasks = request.openTasks.map((task) => nameIn(task.name, locale));
  const others = request.currentSteps.filter((s) => !taskElements.has(s.elementId)).map((s) => s.name);
  return [...new Set([...tasks, ...others])];
}

/** Who has an open task: its assignee, else the users and groups who may claim it. */
export function holderOf(task: OpenTask): { assignee: string } | { candidates: string[] } {
  if (task.assignee) return { assignee: task.assignee };
  return { candidates: [...task.candidateUsers, ...task.candidateGroups] };
}
