import type { FileList } from '@baton/schemas';
import { api } from '../api/client.js';
import { useI18n } from '../app/i18n.js';
import { useAsync } from '../app/use-async.js';

/** Bytes as people read them: 980 B, 12.5 KB, 3.1 MB (powers of 1024). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The files that travel with an instance, as download links (nothing when it has none). */
export function FileLinks({ instanceId }: { instanceId: string }) {
  const { t } = useI18n();
  const files = useAsync(() => api.get<FileList>('/api/files', { instanceId }), [instanceId]);
  const items = files.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div className="card file-links">
      <h2>{t('files.title')}</h2>
      <ul>
        {items.map((f) => (
          <li key={f.id}>
            <a href={`/api/files/${f.id}`} download={f.name}>
              {f.name}
            </a>{' '}
            <span className="muted">
              {formatFileSize(f.size)} · {f.uploadedBy}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
