import type { FileInfo, Me } from '@baton/schemas';
import type { WidgetProps } from '@rjsf/utils';
import { useRef, useState } from 'react';
import { api } from '../../api/client.js';
import { useI18n } from '../../app/i18n.js';
import type { MessageKey } from '../../app/en.js';
import { formatFileSize } from '../FileLinks.js';

/** The message of each refusal the upload route gives; anything else is `files.failed`. */
const REFUSALS: Record<string, MessageKey> = {
  FILE_TOO_LARGE: 'files.tooLarge',
  FILE_TYPE_REFUSED: 'files.typeRefused',
  FILE_INFECTED: 'files.infected',
  SCAN_FAILED: 'files.scanFailed',
};

/**
 * Uploads one file with progress. XMLHttpRequest, not fetch: only it reports upload progress.
 * The CSRF token comes from `/api/auth/me`, as for every state-changing request of a session.
 */
async function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<FileInfo> {
  const me = await api.get<Me>('/api/auth/me');
  const body = new FormData();
  body.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/files');
    xhr.withCredentials = true;
    if (me.csrfToken) xhr.setRequestHeader('x-csrf-token', me.csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new Error('network'));
    xhr.onload = () => {
      let answer: { code?: string } & Partial<FileInfo> = {};
      try {
        answer = JSON.parse(xhr.responseText) as typeof answer;
      } catch {
        // not JSON: handled by the status below
      }
      if (xhr.status === 201) resolve(answer as FileInfo);
      else reject(new Error(answer.code ?? `HTTP ${xhr.status}`));
    };
    xhr.send(body);
  });
}

/**
 * `"format": "baton-file"`: the value is the id of an upload. Choosing a file uploads it at once
 * (with progress); the field then shows its name and size, a link to it, and Remove.
 */
export function FileWidget({ id, value, disabled, readonly, onChange }: WidgetProps) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [info, setInfo] = useState<FileInfo | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<MessageKey | null>(null);
  const current = typeof value === 'string' && value !== '' ? value : null;
  const locked = disabled || readonly;

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      const uploaded = await uploadFile(file, setProgress);
      setInfo(uploaded);
      onChange(uploaded.id);
    } catch (failure) {
      setError(REFUSALS[failure instanceof Error ? failure.message : ''] ?? 'files.failed');
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <div className="file-widget" data-testid={`file-${id}`}>
      {current ? (
        <p className="file-chosen">
          <a href={`/api/files/${current}`} download>
            {info?.id === current ? info.name : t('files.attached')}
          </a>
          {info?.id === current ? <span className="muted"> ({formatFileSize(info.size)})</span> : null}{' '}
          {locked ? null : (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setInfo(null);
                onChange(undefined);
              }}
            >
              {t('files.remove')}
            </button>
          )}
        </p>
      ) : null}
      {locked || current ? null : (
        <input
          ref={input}
          id={id}
          type="file"
          aria-label={t('files.choose')}
          disabled={progress !== null}
          onChange={(event) => void choose(event.target.files?.[0])}
        />
      )}
      {progress !== null ? (
        <progress max={1} value={progress} aria-label={t('files.uploading')}>
          {Math.round(progress * 100)}%
        </progress>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}
