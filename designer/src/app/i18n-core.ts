import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';

export type Locale = 'en' | 'zh';
export const LOCALES: readonly Locale[] = ['en', 'zh'];
export const LOCALE_STORAGE_KEY = 'baton.locale';

/** Every dictionary has every key: the `Dictionary` type makes a missing one a compile error. */
export const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, zh };

/** Picks the stored choice first, else the browser language (`zh-CN`, `zh-TW` -> zh), else English. */
export function detectLocale(stored: string | null | undefined, browserLanguage: string | undefined): Locale {
  if (stored === 'en' || stored === 'zh') return stored;
  return browserLanguage?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Looks up a message and fills `{name}` placeholders. */
export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const template = dictionaries[locale][key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Picks the current language from a `{ en, zh }` text, falling back to any language present. */
export function localized(
  text: string | Record<string, string | undefined> | null | undefined,
  locale: Locale,
): string {
  if (!text) return '';
  if (typeof text === 'string') return text;
  return text[locale] ?? text.en ?? Object.values(text).find((v) => typeof v === 'string') ?? '';
}
