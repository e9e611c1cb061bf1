import type { TaskDetail } from '../../api/types.js';
import { useI18n } from '../../app/i18n.js';
import { declaredVariables } from './task-context.js';

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A variable's value, read-only: text as text, lists as lists, records as term and value. */
function Value({ value }: { value: unknown }) {
  const { t } = useI18n();
  if (value === null || value === undefined || value === '')
    return <span className="muted">{t('taskContext.empty')}</span>;
  if (Array.isArray(value))
    return (
      <ul className="context-list">
        {value.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a read-only snapshot; items never move
          <li key={i}>
            <Value value={item} />
          </li>
        ))}
      </ul>
    );
  if (isObject(value))
    return (
      <dl className="context-record">
        {Object.entries(value).map(([key, item]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>
              <Value value={item} />
            </dd>
          </div>
        ))}
      </dl>
    );
  if (typeof value === 'boolean') return <span>{value ? '✓' : '✗'}</span>;
  return <span className="context-text">{String(value)}</span>;
}

/**
 * The process data the form's designer chose for the person deciding (`"ui:context"` in the
 * uiSchema), shown read-only beside the form. Nothing when the form declares none.
 */
export function TaskContext({ task, texts }: { task: TaskDetail; texts?: Record<string, string> | null }) {
  const { t, locale } = useI18n();
  const entries = declaredVariables('ui:context', task.form, task.variables ?? {}, locale, texts);
  if (entries.length === 0) return null;
  return (
    <section className="card task-context" data-testid="task-context" aria-labelledby="task-context-title">
      <h2 id="task-context-title">{t('taskContext.title')}</h2>
      <dl className="context-record">
        {entries.map((entry) => (
          <div key={entry.name} data-testid={`context-${entry.name}`}>
            <dt>{entry.title}</dt>
            <dd>
              <Value value={entry.value} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
