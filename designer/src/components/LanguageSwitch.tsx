import { useI18n } from '../app/i18n.js';
import type { Locale } from '../app/i18n-core.js';

/** English / 中文 switch; the choice is remembered. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <select
      className="lang-switch"
      aria-label={t('nav.language')}
      value={locale}
      onChange={(event) => setLocale(event.target.value as Locale)}
    >
      <option value="en">English</option>
      <option value="zh">中文</option>
    </select>
  );
}
