import { ApiError } from '../api/problem.js';
import type { MessageKey } from '../app/en.js';
import { useI18n } from '../app/i18n.js';

/** Problem codes the server gives people (sign-in, accounts, passwords), in their language. */
const MESSAGES: Readonly<Record<string, MessageKey>> = {
  PASSWORD_TOO_WEAK: 'error.passwordTooWeak',
  USERNAME_TAKEN: 'error.usernameTaken',
  RATE_LIMITED: 'error.rateLimited',
  ACCOUNT_DEACTIVATED: 'error.accountDeactivated',
  CURRENT_PASSWORD_WRONG: 'error.currentPasswordWrong',
};

/** Shows a failed request (problem+json title and detail) or any other error. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  let text: string;
  if (error instanceof ApiError) {
    const known = MESSAGES[error.code];
    text = known ? t(known) : error.status === 403 ? t('error.forbidden') : error.message;
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
