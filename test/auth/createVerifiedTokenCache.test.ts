import { describe, expect, it } from 'vitest';
import { createVerifiedTokenCache } from '../../src/auth/createVerifiedTokenCache';
import type { Principal } from '../../src/auth/roles';

function principalExpiringAt(ms: number): Principal {
  return { subject: 'alice', roles: new Set(['MarketData.Read']), issuer: null, expiresAt: new Date(ms) };
}

function cacheAt(clock: { now: number }, options: { maxEntries?: number } = {}) {
  return createVerifiedTokenCache({ expiryToleranceMs: 30_000, now: () => clock.now, ...options });
}

describe('the cache of verified tokens', () => {
  it('answers a remembered token until a minute has passed', () => {
    const clock = { now: 0 };
    const cache = cacheAt(clock);
    const principal = principalExpiringAt(3_600_000);
    cache.remember('token-a', principal);
    clock.now = 59_999;
    expect(cache.get('token-a')).toBe(principal);
    clock.now = 60_000;
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('never answers for a token past its expiry and leeway, even within the minute', () => {
    const clock = { now: 0 };
    const cache = cacheAt(clock);
    cache.remember('token-b', principalExpiringAt(10_000));
    clock.now = 39_999;
    expect(cache.get('token-b')).toBeDefined();
    clock.now = 40_000;
    expect(cache.get('token-b')).toBeUndefined();
  });

  it('does not remember a token that is already out of its leeway, nor an oversized one', () => {
    const clock = { now: 100_000 };
    const cache = cacheAt(clock);
    cache.remember('token-c', principalExpiringAt(70_000));
    expect(cache.get('token-c')).toBeUndefined();
    const huge = 'x'.repeat(8193);
    cache.remember(huge, principalExpiringAt(3_600_000));
    expect(cache.get(huge)).toBeUndefined();
  });

  it('holds at most maxEntries tokens, forgetting the least recently used', () => {
    const clock = { now: 0 };
    const cache = cacheAt(clock, { maxEntries: 2 });
    for (const token of ['one', 'two']) cache.remember(token, principalExpiringAt(3_600_000));
    expect(cache.get('one')).toBeDefined();
    cache.remember('three', principalExpiringAt(3_600_000));
    expect(cache.get('two')).toBeUndefined();
    expect(cache.get('one')).toBeDefined();
    expect(cache.get('three')).toBeDefined();
  });
});
