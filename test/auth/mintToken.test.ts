import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { Role, createTokenVerifier, generateSecret, mintToken } from '../../src/auth';
import { ErrorCode } from '../../src/errors';
import { expectAppError } from './assertRejects';

describe('mintToken', () => {
  it('signs an HS256 token the secret verifier accepts, with subject, roles, issuer and audience', async () => {
    const secret = generateSecret();
    const now = new Date('2025-01-02T03:04:05Z');
    const token = await mintToken({
      secret,
      subject: 'dev-admin',
      roles: [Role.Admin],
      ttlSeconds: 3600,
      issuer: 'market-data-dev',
      audience: 'market-data',
      now,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwt(token)).toMatchObject({ iat: now.getTime() / 1000, exp: now.getTime() / 1000 + 3600 });

    const verifier = createTokenVerifier({
      kind: 'secret',
      secret,
      issuer: 'market-data-dev',
      audience: 'market-data',
      now: () => now,
    });
    const principal = await verifier.verify(`Bearer ${token}`);
    expect(principal).toMatchObject({ subject: 'dev-admin', issuer: 'market-data-dev' });
    expect([...principal.roles]).toEqual([Role.Admin]);
  });

  it('refuses a weak secret and a non-positive lifetime', async () => {
    await expectAppError(
      mintToken({ secret: 'short', subject: 's', roles: [], ttlSeconds: 60 }),
      ErrorCode.InvalidConfig,
    );
    await expectAppError(
      mintToken({ secret: generateSecret(), subject: 's', roles: [], ttlSeconds: 0 }),
      ErrorCode.InvalidRequest,
    );
  });

  it('generates distinct 64-character base64url secrets', () => {
    const first = generateSecret();
    expect(first).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(48);
    expect(generateSecret()).not.toBe(first);
  });
});
