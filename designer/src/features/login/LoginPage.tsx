import { type FormEvent, useState } from 'react';
import { useAuth } from '../../app/auth.js';
import { useI18n } from '../../app/i18n.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { LanguageSwitch } from '../../components/LanguageSwitch.js';

/** Username and password; the demo accounts are printed by the server on its first start. */
export function LoginPage() {
  const { login, expired } = useAuth();
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <form className="login-card" onSubmit={(e) => void submit(e)}>
        <div className="login-head">
          <h1>
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>{' '}
            Baton
          </h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('login.tagline')}</p>
        {expired ? (
          <div className="alert alert-info" role="alert" data-testid="session-expired">
            {t('auth.sessionExpired')}
          </div>
        ) : null}
        <label className="field">
          <span>{t('login.username')}</span>
          <input
            // Signing in is the only thing to do here: start in the first field, not on the language switch.
            // biome-ignore lint/a11y/noAutofocus: a sign-in page with one purpose.
            autoFocus
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {t('login.submit')}
        </button>
        <p className="hint">{t('login.hint')}</p>
      </form>
    </div>
  );
}
