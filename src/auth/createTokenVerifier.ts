import { webcrypto } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyOptions } from 'jose';
import { ClientMessage } from '../clientMessages';
import { AppError, ErrorCode } from '../errors';
import { AuthFailureReason, createUnauthorizedError } from './authFailure';
import { createVerifiedTokenCache } from './createVerifiedTokenCache';
import { extractBearerToken } from './extractBearerToken';
import { encodeSecret } from './mintToken';
import { readRolesFromClaims } from './roles';
import type { Principal } from './roles';

/** Algorithms accepted per key source. Never `none`, and never HMAC with a JWKS (algorithm confusion). */
const SECRET_ALGORITHMS = ['HS256'] as const;
const JWKS_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;

export interface JwksCacheOptions {
  /** Minimum seconds between refetches when a token names an unknown key. Default 30. */
  cooldownSeconds?: number;
  /** Seconds a fetched key set is trusted before it is fetched again. Default 600. */
  maxAgeSeconds?: number;
  /** Fetch timeout in milliseconds. Default 5000. */
  timeoutMs?: number;
}

interface CommonVerifierOptions {
  /** Required `iss` when set (null or undefined: any issuer). */
  issuer?: string | null;
  /** Required `aud` (one of) when set (null or undefined: any audience). */
  audience?: string | null;
  /** Leeway for `exp` and `nbf`, in seconds. Default 30. */
  clockToleranceSeconds?: number;
  /** The clock; injected by tests. */
  now?: () => Date;
}

export type TokenVerifierOptions = CommonVerifierOptions &
  ({ kind: 'secret'; secret: string } | { kind: 'jwks'; jwksUrl: string; cache?: JwksCacheOptions } | { kind: 'none' });

export interface TokenVerifier {
  readonly kind: TokenVerifierOptions['kind'];
  /**
   * Verifies the `Authorization` header value. Throws UNAUTHORIZED (generic message, reason in `cause`),
   * INVALID_CONFIG when kind is `none`, or INTERNAL when the JWKS cannot be fetched.
   */
  verify(authorizationHeader: string | null): Promise<Principal>;
}

/** Builds the verifier once at start-up; throws INVALID_CONFIG for a short secret or a bad JWKS URL. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  if (options.kind === 'none') {
    return {
      kind: 'none',
      verify: () => Promise.reject(new AppError(ErrorCode.InvalidConfig, ClientMessage.authNotConfigured)),
    };
  }
  const tolerance = options.clockToleranceSeconds ?? 30;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new AppError(ErrorCode.InvalidConfig, 'the clock tolerance must be a non-negative number of seconds');
  }
  const remembered = createVerifiedTokenCache({
    expiryToleranceMs: tolerance * 1000,
    now: () => (options.now === undefined ? Date.now() : options.now().getTime()),
  });
  const verifyWith = async (
    header: string | null,
    check: (token: string) => Promise<JWTPayload>,
  ): Promise<Principal> => {
    const token = extractBearerToken(header);
    const known = remembered.get(token);
    if (known !== undefined) return known;
    const principal = await verifyToken(token, check);
    remembered.remember(token, principal);
    return principal;
  };
  const verifyOptions = (algorithms: readonly string[]): JWTVerifyOptions => ({
    algorithms: [...algorithms],
    clockTolerance: tolerance,
    requiredClaims: ['exp'],
    ...(options.issuer == null ? {} : { issuer: options.issuer }),
    ...(options.audience == null ? {} : { audience: options.audience }),
    ...(options.now === undefined ? {} : { currentDate: options.now() }),
  });

  if (options.kind === 'secret') {
    const secret = encodeSecret(options.secret);
    // Imported once: given raw bytes, jose imports the key again for every token, which costs more than the check.
    let key: Promise<webcrypto.CryptoKey> | undefined;
    const importKey = (): Promise<webcrypto.CryptoKey> =>
      (key ??= webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']));
    return {
      kind: 'secret',
      verify: (header) =>
        verifyWith(
          header,
          async (token) => (await jwtVerify(token, await importKey(), verifyOptions(SECRET_ALGORITHMS))).payload,
        ),
    };
  }

  const keySet = createRemoteJWKSet(parseJwksUrl(options.jwksUrl), {
    cooldownDuration: (options.cache?.cooldownSeconds ?? 30) * 1000,
    cacheMaxAge: (options.cache?.maxAgeSeconds ?? 600) * 1000,
    timeoutDuration: options.cache?.timeoutMs ?? 5000,
  });
  return {
    kind: 'jwks',
    verify: (header) =>
      verifyWith(header, async (token) => (await jwtVerify(token, keySet, verifyOptions(JWKS_ALGORITHMS))).payload),
  };
}

async function verifyToken(token: string, check: (token: string) => Promise<JWTPayload>): Promise<Principal> {
  let payload: JWTPayload;
  try {
    payload = await check(token);
  } catch (error) {
    throw classifyVerificationError(error);
  }
  return {
    subject: typeof payload.sub === 'string' ? payload.sub : null,
    roles: readRolesFromClaims(payload),
    issuer: typeof payload.iss === 'string' ? payload.iss : null,
    // requiredClaims guarantees a numeric exp once verification passed.
    expiresAt: new Date((payload.exp ?? 0) * 1000),
  };
}

/** Maps jose's failure classes to a reason; anything else (JWKS fetch, key import) is our fault, not the client's. */
function classifyVerificationError(error: unknown): AppError {
  if (error instanceof errors.JWTExpired) {
    return createUnauthorizedError(AuthFailureReason.Expired, 'token has expired', error);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const reason = error.claim === 'nbf' ? AuthFailureReason.NotYetValid : AuthFailureReason.ClaimMismatch;
    return createUnauthorizedError(reason, `claim "${error.claim}" rejected (${error.reason})`, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return createUnauthorizedError(AuthFailureReason.AlgorithmNotAllowed, 'signing algorithm not allowed', error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return createUnauthorizedError(AuthFailureReason.BadSignature, 'signature does not verify', error);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return createUnauthorizedError(AuthFailureReason.UnknownKey, 'no single signing key matches the token', error);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return createUnauthorizedError(AuthFailureReason.Malformed, 'not a well-formed signed JWT', error);
  }
  if (error instanceof errors.JOSENotSupported) {
    return createUnauthorizedError(AuthFailureReason.Unsupported, 'token uses an unsupported feature', error);
  }
  return new AppError(ErrorCode.Internal, 'the signing keys could not be obtained', { cause: error });
}

function parseJwksUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new AppError(ErrorCode.InvalidConfig, 'AUTH_JWKS_URL is not a valid URL', { cause: error });
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new AppError(ErrorCode.InvalidConfig, 'AUTH_JWKS_URL must use https (plain http only for loopback)');
  }
  return url;
}
