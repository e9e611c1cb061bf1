import { describe, expect, it } from 'vitest';
import { translate } from './i18n-core.js';
import { pluralForm } from './plural.js';

describe('plural forms', () => {
  it('says "1 notification" and "2 notifications" in English', () => {
    const total = (count: number) =>
      translate('en', `notifications.total.${pluralForm('en', count)}`, { count });
    expect([total(0), total(1), total(2)]).toEqual(['0 notifications', '1 notification', '2 notifications']);
  });

  it('uses the one form Chinese has for every count', () => {
    expect([0, 1, 2].map((n) => pluralForm('zh', n))).toEqual(['other', 'other', 'other']);
    expect(translate('zh', `notifications.total.${pluralForm('zh', 1)}`, { count: 1 })).toBe('共 1 条通知');
  });
});
