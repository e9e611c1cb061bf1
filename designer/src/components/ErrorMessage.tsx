import { ApiError } from '../api/problem.js';
import { useI18n } from '../app/i18n.js';

/** Shows a failed request (problem+json title and detail) or any other error. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  let text: string;
  if (error instanceof ApiError) {
    text = error.status === 403 ? t('error.forbidden') : error.message;
  } else if (error instanceof Error) {
    text = error.message;
  } else {
    text = String(error);
  }
  return (
    <div className="alert alert-error" role="alert">
      {text}
    </div>
  );
}
