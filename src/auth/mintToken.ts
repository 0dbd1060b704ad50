import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { AppError, ErrorCode } from '../errors';

/** HS256 keys shorter than the hash output (32 bytes) are weak (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;

/**
 * Encodes a shared secret as the HMAC key: the UTF-8 bytes of the string as given (so a base64url secret is used
 * as text, not decoded). Throws INVALID_CONFIG when it is shorter than 32 bytes.
 */
export function encodeSecret(secret: string): Uint8Array {
  const key = new TextEncoder().encode(secret);
  if (key.byteLength < MIN_SECRET_BYTES) {
    throw new AppError(
      ErrorCode.InvalidConfig,
      `AUTH_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (it has ${key.byteLength})`,
    );
  }
  return key;
}

/** A fresh shared secret: 48 random bytes, base64url-encoded (64 characters). */
export function generateSecret(): string {
  return randomBytes(48).toString('base64url');
}

export interface MintTokenOptions {
  secret: string;
  subject: string;
  roles: readonly string[];
  /** Lifetime in seconds from `now`. */
  ttlSeconds: number;
  issuer?: string;
  audience?: string;
  /** Issue time; defaults to the current time. */
  now?: Date;
}

/** Signs an HS256 JWT with `sub`, `roles`, `iat`, `nbf`, `exp` (and `iss`/`aud` when given). */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  if (!Number.isFinite(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new AppError(ErrorCode.InvalidRequest, 'ttlSeconds must be a positive number');
  }
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({ roles: [...options.roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + Math.floor(options.ttlSeconds));
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(encodeSecret(options.secret));
}
