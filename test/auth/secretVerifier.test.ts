import { SignJWT, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthFailure, AuthFailureReason, Role, createTokenVerifier, generateSecret, mintToken } from '../../src/auth';
import type { AuthFailureReason as Reason } from '../../src/auth';
import { ErrorCode } from '../../src/errors';
import { toErrorResponse } from '../../src/http/toErrorResponse';
import { expectAppError } from './assertRejects';

const NOW = new Date('2025-03-14T09:00:00Z');
const UNAUTHORIZED_MESSAGE = 'invalid or missing bearer token';
const secret = generateSecret();
const clock = () => NOW;

function secondsFrom(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

async function expectRefused(verify: Promise<unknown>, reason: Reason, token: string): Promise<void> {
  const error = await expectAppError(verify, ErrorCode.Unauthorized);
  expect(error.message).toBe(UNAUTHORIZED_MESSAGE);
  expect(error.cause).toBeInstanceOf(AuthFailure);
  expect((error.cause as AuthFailure).reason).toBe(reason);
  // Neither the client body nor the log reason may carry the credential.
  const response = JSON.stringify(toErrorResponse(error));
  for (const part of token.split('.').filter((segment) => segment.length > 8)) {
    expect(response).not.toContain(part);
    expect((error.cause as AuthFailure).message).not.toContain(part);
  }
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('a shared-secret (HS256) token verifier', () => {
  const verifier = createTokenVerifier({ kind: 'secret', secret, now: clock });

  it('accepts a valid token and returns its subject and roles', async () => {
    const token = await mintToken({ secret, subject: 'alice', roles: [Role.Write], ttlSeconds: 600, now: NOW });
    const principal = await verifier.verify(`Bearer ${token}`);
    expect(principal.subject).toBe('alice');
    expect([...principal.roles]).toEqual([Role.Write]);
    expect(principal.expiresAt.toISOString()).toBe('2025-03-14T09:10:00.000Z');
  });

  it('accepts the scheme in any case and surrounding whitespace', async () => {
    const token = await mintToken({ secret, subject: 'alice', roles: [], ttlSeconds: 600, now: NOW });
    await expect(verifier.verify(`  bearer   ${token} `)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('refuses a request without an Authorization header as missing', async () => {
    await expectRefused(verifier.verify(null), AuthFailureReason.Missing, '');
    await expectRefused(verifier.verify('   '), AuthFailureReason.Missing, '');
  });

  it('refuses another authorization scheme as missing credentials', async () => {
    await expectRefused(verifier.verify('Basic YWxpY2U6c2VjcmV0'), AuthFailureReason.Missing, 'YWxpY2U6c2VjcmV0');
  });

  it('refuses malformed bearer credentials', async () => {
    await expectRefused(verifier.verify('Bearer'), AuthFailureReason.Malformed, '');
    await expectRefused(verifier.verify('Bearer not-a-jwt'), AuthFailureReason.Malformed, 'not-a-jwt');
    await expectRefused(verifier.verify('Bearer a.b.c'), AuthFailureReason.Malformed, 'a.b.c');
    await expectRefused(verifier.verify('Bearer {"alg":"HS256"}'), AuthFailureReason.Malformed, '');
    await expectRefused(verifier.verify(`Bearer ${'a'.repeat(20_000)}`), AuthFailureReason.Malformed, '');
  });

  it('refuses an expired token beyond the clock tolerance and accepts one within it', async () => {
    const expiredLongAgo = await mintToken({
      secret,
      subject: 'alice',
      roles: [],
      ttlSeconds: 60,
      now: secondsFrom(NOW, -100),
    });
    await expectRefused(verifier.verify(`Bearer ${expiredLongAgo}`), AuthFailureReason.Expired, expiredLongAgo);

    const justExpired = await mintToken({
      secret,
      subject: 'alice',
      roles: [],
      ttlSeconds: 60,
      now: secondsFrom(NOW, -80),
    });
    await expect(verifier.verify(`Bearer ${justExpired}`)).resolves.toMatchObject({ subject: 'alice' });

    const strict = createTokenVerifier({ kind: 'secret', secret, now: clock, clockToleranceSeconds: 0 });
    await expectRefused(strict.verify(`Bearer ${justExpired}`), AuthFailureReason.Expired, justExpired);
  });

  it('refuses a token it accepted before once it has expired, and keeps refusing a bad one', async () => {
    let now = NOW;
    const moving = createTokenVerifier({ kind: 'secret', secret, now: () => now });
    const token = await mintToken({ secret, subject: 'alice', roles: [], ttlSeconds: 60, now: NOW });
    await expect(moving.verify(`Bearer ${token}`)).resolves.toMatchObject({ subject: 'alice' });
    now = secondsFrom(NOW, 89);
    await expect(moving.verify(`Bearer ${token}`)).resolves.toMatchObject({ subject: 'alice' });
    now = secondsFrom(NOW, 90);
    await expectRefused(moving.verify(`Bearer ${token}`), AuthFailureReason.Expired, token);

    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      await expectRefused(moving.verify(`Bearer ${forged}`), AuthFailureReason.BadSignature, forged);
    }
  });

  it('refuses a token that is not yet valid', async () => {
    const future = await mintToken({
      secret,
      subject: 'alice',
      roles: [],
      ttlSeconds: 600,
      now: secondsFrom(NOW, 120),
    });
    await expectRefused(verifier.verify(`Bearer ${future}`), AuthFailureReason.NotYetValid, future);
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
    await expectRefused(verifier.verify(`Bearer ${token}`), AuthFailureReason.ClaimMismatch, token);
  });

  it('refuses a token signed with another secret', async () => {
    const token = await mintToken({
      secret: generateSecret(),
      subject: 'mallory',
      roles: [Role.Admin],
      ttlSeconds: 600,
      now: NOW,
    });
    await expectRefused(verifier.verify(`Bearer ${token}`), AuthFailureReason.BadSignature, token);
  });

  it('refuses an unsigned alg:none token', async () => {
    const payload = { sub: 'mallory', roles: [Role.Admin], exp: NOW.getTime() / 1000 + 600 };
    const token = `${encodeSegment({ alg: 'none', typ: 'JWT' })}.${encodeSegment(payload)}.`;
    await expectRefused(verifier.verify(`Bearer ${token}`), AuthFailureReason.AlgorithmNotAllowed, token);
  });

  it('refuses an RS256 token even though it is correctly signed', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ roles: [Role.Admin] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('mallory')
      .setExpirationTime(NOW.getTime() / 1000 + 600)
      .sign(privateKey);
    await expectRefused(verifier.verify(`Bearer ${token}`), AuthFailureReason.AlgorithmNotAllowed, token);
  });

  it('checks issuer and audience when they are configured', async () => {
    const strict = createTokenVerifier({
      kind: 'secret',
      secret,
      issuer: 'https://issuer.test',
      audience: 'api://market-data',
      now: clock,
    });
    const good = await mintToken({
      secret,
      subject: 'a',
      roles: [],
      ttlSeconds: 600,
      issuer: 'https://issuer.test',
      audience: 'api://market-data',
      now: NOW,
    });
    await expect(strict.verify(`Bearer ${good}`)).resolves.toMatchObject({ issuer: 'https://issuer.test' });

    const wrongIssuer = await mintToken({
      secret,
      subject: 'a',
      roles: [],
      ttlSeconds: 600,
      issuer: 'https://evil.test',
      audience: 'api://market-data',
      now: NOW,
    });
    await expectRefused(strict.verify(`Bearer ${wrongIssuer}`), AuthFailureReason.ClaimMismatch, wrongIssuer);

    const wrongAudience = await mintToken({
      secret,
      subject: 'a',
      roles: [],
      ttlSeconds: 600,
      issuer: 'https://issuer.test',
      audience: 'api://other',
      now: NOW,
    });
    await expectRefused(strict.verify(`Bearer ${wrongAudience}`), AuthFailureReason.ClaimMismatch, wrongAudience);

    const noAudience = await mintToken({
      secret,
      subject: 'a',
      roles: [],
      ttlSeconds: 600,
      issuer: 'https://issuer.test',
      now: NOW,
    });
    await expectRefused(strict.verify(`Bearer ${noAudience}`), AuthFailureReason.ClaimMismatch, noAudience);
  });

  it('accepts any issuer and audience when they are configured as null', async () => {
    const open = createTokenVerifier({ kind: 'secret', secret, issuer: null, audience: null, now: clock });
    const token = await mintToken({
      secret,
      subject: 'a',
      roles: [],
      ttlSeconds: 600,
      issuer: 'x',
      audience: 'y',
      now: NOW,
    });
    await expect(open.verify(`Bearer ${token}`)).resolves.toMatchObject({ issuer: 'x' });
  });

  it('reads roles from scp and scope as well as roles', async () => {
    const token = await new SignJWT({ scp: 'MarketData.Write openid', scope: 'MarketData.Admin', roles: ['Extra'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(NOW.getTime() / 1000 + 600)
      .sign(new TextEncoder().encode(secret));
    const principal = await verifier.verify(`Bearer ${token}`);
    expect(principal.subject).toBeNull();
    expect([...principal.roles].sort()).toEqual(['Extra', 'MarketData.Admin', 'MarketData.Write', 'openid']);
  });

  it('refuses to be built with a secret shorter than 32 bytes', () => {
    expect(() => createTokenVerifier({ kind: 'secret', secret: 'x'.repeat(31) })).toThrow(/at least 32 bytes/);
    expect(() => createTokenVerifier({ kind: 'secret', secret: 'x'.repeat(32) })).not.toThrow();
  });
});

describe('an unconfigured token verifier', () => {
  it('refuses every request with a configuration error, token or not', async () => {
    const verifier = createTokenVerifier({ kind: 'none' });
    const token = await mintToken({ secret, subject: 'alice', roles: [Role.Admin], ttlSeconds: 600 });
    for (const header of [null, `Bearer ${token}`]) {
      const error = await expectAppError(verifier.verify(header), ErrorCode.InvalidConfig);
      expect(error.message).toBe('authentication is not configured: set AUTH_JWT_SECRET or AUTH_JWKS_URL');
    }
  });
});
