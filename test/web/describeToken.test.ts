import { describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth';
import { describeToken } from '../../web/describeToken';

const secret = 'a-test-secret-that-is-at-least-32-bytes-long';
const now = Date.parse('2030-01-01T00:00:00Z');
const mint = (roles: string[], ttlSeconds = 600, at = now) =>
  mintToken({ secret, subject: 'ana', roles, ttlSeconds, now: new Date(at) });

describe('what the page tells about a token', () => {
  it('tells missing, malformed, expired, read-only and writing tokens apart', async () => {
    expect(describeToken(null, now)).toEqual({ kind: 'missing' });
    expect(describeToken('  ', now)).toEqual({ kind: 'missing' });
    expect(describeToken('not-a-jwt', now)).toEqual({ kind: 'invalid' });
    expect(describeToken('a.%%%.c', now)).toEqual({ kind: 'invalid' });
    expect(describeToken(await mint(['MarketData.Write'], 60, now - 120_000), now)).toMatchObject({ kind: 'expired' });
    expect(describeToken(await mint([]), now)).toMatchObject({ kind: 'valid', subject: 'ana', canWrite: false });
    expect(describeToken(await mint(['MarketData.Write']), now)).toMatchObject({ canWrite: true, canAdmin: false });
    expect(describeToken(await mint(['MarketData.Admin']), now)).toMatchObject({ canWrite: true, canAdmin: true });
  });
});
