import { describe, expect, it } from 'vitest';
import { allowsScope, grantableBy, parseScope, patternMatches } from '../src/index.js';

describe('scopes', () => {
  it('parses simple and pattern scopes, and rejects anything else', () => {
    expect(parseScope('read')).toEqual({ kind: 'read' });
    expect(parseScope('jobs:billing.*')).toEqual({ kind: 'jobs', pattern: 'billing.*' });
    expect(parseScope('jobs:')).toBeNull();
    expect(parseScope('root')).toBeNull();
    expect(parseScope('jobs:a b')).toBeNull();
  });

  it('matches patterns with * as any run of characters', () => {
    expect(patternMatches('*', 'anything')).toBe(true);
    expect(patternMatches('billing.*', 'billing.invoice')).toBe(true);
    expect(patternMatches('billing.*', 'payroll.run')).toBe(false);
    expect(patternMatches('a*b*c', 'axxbyyc')).toBe(true);
    expect(patternMatches('a*b*c', 'axxcyyb')).toBe(false);
    expect(patternMatches('ab*ba', 'aba')).toBe(false);
    expect(patternMatches('exact', 'exact')).toBe(true);
    expect(patternMatches('exact', 'exactly')).toBe(false);
  });

  it('lets only workers and admins hold job scopes', () => {
    expect(grantableBy(['staff'], { kind: 'jobs', pattern: '*' })).toBe(false);
    expect(grantableBy(['worker'], { kind: 'jobs', pattern: '*' })).toBe(true);
    expect(grantableBy(['admin'], { kind: 'admin' })).toBe(true);
    expect(grantableBy(['manager'], { kind: 'admin' })).toBe(false);
  });

  it('allows a token only what both its scopes and its roles allow', () => {
    const worker = { roles: ['worker'] as const, scopes: ['jobs:billing.*', 'read'] };
    expect(allowsScope(worker, 'jobs', 'billing.invoice')).toBe(true);
    expect(allowsScope(worker, 'jobs', 'payroll.run')).toBe(false);
    expect(allowsScope(worker, 'tasks')).toBe(false);
    const staffToken = { roles: ['staff'] as const, scopes: ['jobs:*'] };
    expect(allowsScope(staffToken, 'jobs', 'x')).toBe(false);
    const session = { roles: ['staff'] as const };
    expect(allowsScope(session, 'tasks')).toBe(true);
    expect(allowsScope(session, 'jobs', 'x')).toBe(false);
  });
});
