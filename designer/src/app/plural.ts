import type { Locale } from './i18n-core.js';

const rules = new Map<Locale, Intl.PluralRules>();

/**
 * The plural form of a count in a language, by the language's own rules (`Intl.PluralRules`):
 * English has `one` and `other`; Chinese has only `other`. Messages that depend on a count come
 * as `<key>.one` and `<key>.other`.
 */
export function pluralForm(locale: Locale, count: number): 'one' | 'other' {
  let rule = rules.get(locale);
  if (!rule) {
    rule = new Intl.PluralRules(locale === 'zh' ? 'zh-CN' : 'en');
    rules.set(locale, rule);
  }
  return rule.select(count) === 'one' ? 'one' : 'other';
}
