import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { detectLocale, localized, translate } from './i18n-core.js';
import { zh } from './zh.js';

describe('dictionaries', () => {
  it('translate every English key into Chinese, with the same placeholders', () => {
    // given
    const keys = Object.keys(en) as (keyof typeof en)[];
    // then
    expect(Object.keys(zh).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(zh[key].trim(), key).not.toBe('');
      const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'modeler.deployed', { version: 3 })).toBe('Deployed as version 3.');
    expect(translate('zh', 'modeler.deployed', { version: 3 })).toBe('已部署为第 3 版。');
    expect(translate('en', 'modeler.deployed')).toBe('Deployed as version {version}.');
  });
});

describe('detectLocale', () => {
  it('prefers the stored choice, then the browser language, then English', () => {
    expect(detectLocale('en', 'zh-CN')).toBe('en');
    expect(detectLocale(null, 'zh-CN')).toBe('zh');
    expect(detectLocale(null, 'zh-TW')).toBe('zh');
    expect(detectLocale('fr', 'de-DE')).toBe('en');
    expect(detectLocale(undefined, undefined)).toBe('en');
  });
});

describe('localized', () => {
  it('picks the current language and falls back to English or any text', () => {
    expect(localized({ en: 'Weekly sync', zh: '周例会' }, 'zh')).toBe('周例会');
    expect(localized({ en: 'Weekly sync' }, 'zh')).toBe('Weekly sync');
    expect(localized({ de: 'Woche' }, 'en')).toBe('Woche');
    expect(localized('plain', 'zh')).toBe('plain');
    expect(localized(null, 'en')).toBe('');
  });
});
