import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export const ISSUER = 'https://login.example.test/tenant/v2.0';
export const AUDIENCE = 'api://market-data';
export const ADMIN_ROLES = ['MarketData.Admin', 'MarketData.Write'];

/** An RS256 key pair as an identity provider would publish it (`kid`, `alg`, `use`). */
export interface RsaSigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
  /** The public key as PEM: what an attacker feeds to HMAC in an HS/RS confusion attack. */
  readonly spkiPem: string;
}

export async function createRsaSigningKey(kid: string): Promise<RsaSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicKey, jwk, spkiPem: await exportSPKI(publicKey) };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The claims of a token that would be accepted, with admin roles, unless a case overrides some. */
export function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return {
    sub: 'hostile',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    nbf: now,
    exp: now + 600,
    roles: ADMIN_ROLES,
    ...overrides,
  };
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT put together by hand, for headers no honest library would sign. */
export function assembleToken(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signature = '',
): string {
  return `${encode(header)}.${encode(claims)}.${signature}`;
}

export function signHs256(secret: string | Uint8Array, claims: Record<string, unknown>, kid?: string): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) }).sign(key);
}

export function signRs256(key: RsaSigningKey, claims: Record<string, unknown>, kid = key.kid): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key.privateKey);
}

/** `token` with the signature of `otherToken`: a well-formed token whose signature is real but not its own. */
export function withForeignSignature(token: string, otherToken: string): string {
  const [header, payload] = token.split('.');
  return `${header}.${payload}.${otherToken.split('.')[2]}`;
}

/** A well-formed HS256 token of about `bytes` characters, padded with a large claim. */
export function signOversized(secret: string, bytes: number): Promise<string> {
  return signHs256(secret, validClaims({ pad: 'x'.repeat(Math.ceil((bytes * 3) / 4)) }));
}
