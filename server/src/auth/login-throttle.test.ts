import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('refuses a key after max failures in the window, until the oldest one leaves it', () => {
    // given
    let now = 1_000_000;
    const throttle = new LoginThrottle(3, 60_000, () => now);
    // when
    throttle.fail('ip|sam');
    now += 10_000;
    throttle.fail('ip|sam');
    throttle.fail('ip|sam');
    // then
    expect(throttle.retryAfterMs('ip|sam')).toBe(50_000);
    expect(throttle.retryAfterMs('ip|lee')).toBe(0);
    now += 50_000;
    expect(throttle.retryAfterMs('ip|sam')).toBe(0);
  });

  it('forgets the failures of a key on success', () => {
    // given
    const throttle = new LoginThrottle(2, 60_000, () => 5);
    throttle.fail('k');
    // when
    throttle.succeed('k');
    throttle.fail('k');
    // then
    expect(throttle.retryAfterMs('k')).toBe(0);
  });
});
