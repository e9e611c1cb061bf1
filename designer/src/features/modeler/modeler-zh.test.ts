import { describe, expect, it } from 'vitest';
import { lintSummary, MODELER_ZH, translateModuleFor, translatorFor } from './modeler-zh.js';

describe('modeler labels in Chinese', () => {
  const translate = translatorFor(MODELER_ZH);

  it('translates palette, context pad, replace menu and properties panel strings', () => {
    expect(translate('Create task')).toBe('创建任务');
    expect(translate('Append gateway')).toBe('追加网关');
    expect(translate('User task')).toBe('用户任务');
    expect(translate('Assignment')).toBe('分配');
    expect(translate('Variable events')).toBe('变量事件');
  });

  it('fills placeholders in translated strings', () => {
    expect(translate('Open {element}', { element: 'Approve' })).toBe('打开 Approve');
  });

  it('returns an unknown string as it is, with its placeholders filled', () => {
    expect(translate('Rotate {what} by {angle}°', { what: 'Task_1', angle: 90 })).toBe(
      'Rotate Task_1 by 90°',
    );
    expect(translate('Keep {missing}')).toBe('Keep {missing}');
  });

  it('has no empty translations', () => {
    const empty = Object.entries(MODELER_ZH).filter(([, zh]) => zh.trim() === '');
    expect(empty).toEqual([]);
  });

  it('keeps English strings in the English modeler', () => {
    const [, english] = translateModuleFor('en').translate;
    expect(english('Create task')).toBe('Create task');
    const [, chinese] = translateModuleFor('zh').translate;
    expect(chinese('Create task')).toBe('创建任务');
  });

  it("says the lint summary's counts right in both languages", () => {
    const [, english] = translateModuleFor('en').translate;
    const [, chinese] = translateModuleFor('zh').translate;
    const summary = '{errors} Errors, {warnings} Warnings';
    expect(english(summary, { errors: '1', warnings: '0' })).toBe('1 error, 0 warnings');
    expect(english(summary, { errors: '2', warnings: '1' })).toBe('2 errors, 1 warning');
    expect(chinese(summary, { errors: '0', warnings: '1' })).toBe('0 个错误，1 个警告');
    expect(lintSummary('en')).toBe('0 errors, 0 warnings');
  });
});
