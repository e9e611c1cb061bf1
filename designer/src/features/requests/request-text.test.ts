import type { RequestSummary } from '@baton/schemas';
import { describe, expect, it } from 'vitest';
import { holderOf, nameIn, whereNow } from './request-text.js';

const task = (elementId: string, en: string, zh?: string, assignee: string | null = null) => ({
  id: '00000000-0000-4000-8000-000000000001',
  elementId,
  name: zh ? { en, zh } : { en },
  assignee,
  candidateUsers: ['lee'],
  candidateGroups: ['mediators'],
  dueAt: null,
});

const request = {
  currentSteps: [
    { elementId: 'Task_mediate', name: 'Mediate and decide' },
    { elementId: 'Timer_followUp', name: 'Four weeks' },
  ],
  openTasks: [task('Task_mediate', 'Mediate and decide', '调解人决定')],
} as unknown as RequestSummary;

describe('whereNow', () => {
  it('names the open tasks in the reader’s language, then the other steps, once each', () => {
    expect(whereNow(request, 'zh')).toEqual(['调解人决定', 'Four weeks']);
    expect(whereNow(request, 'en')).toEqual(['Mediate and decide', 'Four weeks']);
  });
});

describe('holderOf', () => {
  it('is the assignee, else everyone who may claim the task', () => {
    expect(holderOf(task('a', 'A', undefined, 'kim'))).toEqual({ assignee: 'kim' });
    expect(holderOf(task('a', 'A'))).toEqual({ candidates: ['lee', 'mediators'] });
  });
});

describe('nameIn', () => {
  it('falls back to English when there is no Chinese name', () => {
    expect(nameIn({ en: 'Expense claim' }, 'zh')).toBe('Expense claim');
    expect(nameIn({ en: 'Conflict mediation', zh: '冲突调解' }, 'zh')).toBe('冲突调解');
  });
});
