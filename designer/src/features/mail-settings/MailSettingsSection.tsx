import { type FormEvent, useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { getMailSettings, type MailSettingsBody, saveMailSettings } from './mail-settings-api.js';

type Mode = MailSettingsBody['mail'];
const MODES: readonly Mode[] = ['off', 'each', 'daily'];

/** The signed-in user's e-mail address, how notifications reach them by mail, and in which language. */
export function MailSettingsSection() {
  const { t } = useI18n();
  const loaded = useAsync(getMailSettings, []);
  const [email, setEmail] = useState('');
  const [mode, setMode] = useState<Mode>('off');
  const [language, setLanguage] = useState<'' | 'en' | 'zh'>('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!loaded.data) return;
    setEmail(loaded.data.email ?? '');
    setMode(loaded.data.mail);
    setLanguage(loaded.data.language ?? '');
  }, [loaded.data]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await saveMailSettings({ email: email.trim() || null, mail: mode, language: language || null });
      setSaved(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (!loaded.data) return <ErrorMessage error={loaded.error} />;
  return (
    <form
      className="card mail-settings"
      style={{ marginTop: '1rem', maxWidth: '32rem' }}
      onSubmit={(e) => void submit(e)}
      data-testid="mail-settings"
    >
      <h2>{t('mail.title')}</h2>
      {loaded.data.available ? null : <p className="muted">{t('mail.unavailable')}</p>}
      <ErrorMessage error={error} />
      <label className="field">
        <span>{t('mail.address')}</span>
        <input
          type="email"
          value={email}
          maxLength={254}
          autoComplete="email"
          onChange={(e) => setEmail(e.target.value)}
          data-testid="mail-address"
        />
      </label>
      <label className="field">
        <span>{t('mail.mode')}</span>
        <select value={mode} onChange={(e) => setMode(e.target.value as Mode)} data-testid="mail-mode">
          {MODES.map((m) => (
            <option key={m} value={m}>
              {t(`mail.mode.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('mail.language')}</span>
        <select value={language} onChange={(e) => setLanguage(e.target.value as '' | 'en' | 'zh')}>
          <option value="">{t('mail.language.account')}</option>
          <option value="en">English</option>
          <option value="zh">中文</option>
        </select>
      </label>
      <p className="muted">{t('mail.replyHint')}</p>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="mail-save">
        {t('mail.save')}
      </button>
      {saved ? (
        <span className="muted" role="status">
          {t('mail.saved')}
        </span>
      ) : null}
    </form>
  );
}
