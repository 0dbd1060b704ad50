import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthFailureReason, Role, createTokenVerifier } from '../../src/auth';
import type { AuthFailureReason as Reason, AuthFailure } from '../../src/auth';
import { ErrorCode } from '../../src/errors';
import { toErrorResponse } from '../../src/http/toErrorResponse';
import { expectAppError } from './assertRejects';
import { startJwksServer } from './jwksServer';
import type { JwksServer } from './jwksServer';

const NOW = new Date('2025-03-14T09:00:00Z');
const EXP = NOW.getTime() / 1000 + 600;
const ISSUER = 'https://login.example.test/tenant/v2.0';
const AUDIENCE = 'api://market-data';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256' | 'PS256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function createSigningKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function signWith(key: SigningKey, claims: Record<string, unknown> = {}): Promise<string> {
  const payload = { sub: 'service-principal', iss: ISSUER, aud: AUDIENCE, exp: EXP, roles: [Role.Write], ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
}

async function expectRefused(verify: Promise<unknown>, reason: Reason): Promise<void> {
  const error = await expectAppError(verify, ErrorCode.Unauthorized);
  expect((error.cause as AuthFailure).reason).toBe(reason);
  expect(toErrorResponse(error).status).toBe(401);
}

describe('a JWKS token verifier', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let pss: SigningKey;
  let server: JwksServer | undefined;

  beforeAll(async () => {
    [rsa, ec, pss] = await Promise.all([
      createSigningKey('rsa-1', 'RS256'),
      createSigningKey('ec-1', 'ES256'),
      createSigningKey('pss-1', 'PS256'),
    ]);
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function verifierFor(keys: JWK[], cooldownSeconds = 30) {
    server = await startJwksServer(keys);
    return createTokenVerifier({
      kind: 'jwks',
      jwksUrl: server.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW,
      cache: { cooldownSeconds },
    });
  }

  it('accepts RS256, ES256 and PS256 tokens signed by published keys', async () => {
    const verifier = await verifierFor([rsa.jwk, ec.jwk, pss.jwk]);
    for (const key of [rsa, ec, pss]) {
      const principal = await verifier.verify(`Bearer ${await signWith(key)}`);
      expect(principal.subject).toBe('service-principal');
      expect(principal.roles.has(Role.Write)).toBe(true);
    }
  });

  it('fetches the key set once and serves later verifications from its cache', async () => {
    const verifier = await verifierFor([rsa.jwk, ec.jwk]);
    await verifier.verify(`Bearer ${await signWith(rsa)}`);
    await verifier.verify(`Bearer ${await signWith(ec)}`);
    await verifier.verify(`Bearer ${await signWith(rsa)}`);
    expect(server!.fetchCount()).toBe(1);
  });

  it('picks up a rotated key when a token names a key it has not seen', async () => {
    const verifier = await verifierFor([rsa.jwk], 0);
    await verifier.verify(`Bearer ${await signWith(rsa)}`);
    const rotated = await createSigningKey('rsa-2', 'RS256');
    server!.setKeys([rsa.jwk, rotated.jwk]);
    await expect(verifier.verify(`Bearer ${await signWith(rotated)}`)).resolves.toMatchObject({
      subject: 'service-principal',
    });
    expect(server!.fetchCount()).toBe(2);
  });

  it('refuses a token whose key id is not published', async () => {
    const verifier = await verifierFor([rsa.jwk]);
    const stranger = await createSigningKey('unknown', 'RS256');
    await expectRefused(verifier.verify(`Bearer ${await signWith(stranger)}`), AuthFailureReason.UnknownKey);
  });

  it('refuses a token signed by another key under a published key id', async () => {
    const verifier = await verifierFor([rsa.jwk]);
    const impostor = await createSigningKey('rsa-1', 'RS256');
    await expectRefused(verifier.verify(`Bearer ${await signWith(impostor)}`), AuthFailureReason.BadSignature);
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const verifier = await verifierFor([rsa.jwk]);
    const publicPem = await exportSPKI(rsa.publicKey);
    const forged = await new SignJWT({ roles: [Role.Admin] })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(EXP)
      .sign(new TextEncoder().encode(publicPem));
    await expectRefused(verifier.verify(`Bearer ${forged}`), AuthFailureReason.AlgorithmNotAllowed);
  });

  it('refuses an unsigned alg:none token', async () => {
    const verifier = await verifierFor([rsa.jwk]);
    const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${segment({ alg: 'none', kid: rsa.kid })}.${segment({ iss: ISSUER, aud: AUDIENCE, exp: EXP, roles: [Role.Admin] })}.`;
    await expectRefused(verifier.verify(`Bearer ${token}`), AuthFailureReason.AlgorithmNotAllowed);
  });

  it('refuses a token from another issuer or for another audience', async () => {
    const verifier = await verifierFor([rsa.jwk]);
    await expectRefused(
      verifier.verify(`Bearer ${await signWith(rsa, { iss: 'https://evil.test' })}`),
      AuthFailureReason.ClaimMismatch,
    );
    await expectRefused(
      verifier.verify(`Bearer ${await signWith(rsa, { aud: 'api://other' })}`),
      AuthFailureReason.ClaimMismatch,
    );
  });

  it('refuses an expired token', async () => {
    const verifier = await verifierFor([ec.jwk]);
    await expectRefused(
      verifier.verify(`Bearer ${await signWith(ec, { exp: EXP - 3600 })}`),
      AuthFailureReason.Expired,
    );
  });

  it('reports an unreachable key set as an internal error, not as the caller’s fault', async () => {
    server = await startJwksServer([rsa.jwk]);
    const url = server.url;
    await server.close();
    server = undefined;
    const verifier = createTokenVerifier({ kind: 'jwks', jwksUrl: url, now: () => NOW, cache: { timeoutMs: 2000 } });
    const error = await expectAppError(verifier.verify(`Bearer ${await signWith(rsa)}`), ErrorCode.Internal);
    const response = toErrorResponse(error);
    expect(response.status).toBe(500);
    expect(response.jsonBody).toEqual({ error: 'internal error', code: 'INTERNAL' });
  });

  it('refuses to be built with a non-https key set URL outside loopback', () => {
    expect(() => createTokenVerifier({ kind: 'jwks', jwksUrl: 'http://keys.example.test/jwks' })).toThrow(/https/);
    expect(() => createTokenVerifier({ kind: 'jwks', jwksUrl: 'not a url' })).toThrow(/not a valid URL/);
    expect(() => createTokenVerifier({ kind: 'jwks', jwksUrl: 'https://keys.example.test/jwks' })).not.toThrow();
  });
});
