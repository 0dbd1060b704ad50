import { AuthFailureReason, createUnauthorizedError } from './authFailure';

/** Far above any real access token (Entra ID tokens are a few KB); refuses to spend work on junk. */
const MAX_TOKEN_CHARS = 16_384;

/** RFC 6750 b64token: the only characters a bearer credential may contain. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The credential from an `Authorization: Bearer <token>` header. The scheme is case-insensitive (RFC 7235).
 * A missing header or another scheme is reported as `missing`, anything unparseable as `malformed`.
 */
export function extractBearerToken(header: string | null | undefined): string {
  const trimmed = header?.trim() ?? '';
  if (trimmed === '') {
    throw createUnauthorizedError(AuthFailureReason.Missing, 'no Authorization header');
  }
  const space = trimmed.search(/\s/);
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    throw createUnauthorizedError(AuthFailureReason.Missing, 'authorization scheme is not Bearer');
  }
  const token = space === -1 ? '' : trimmed.slice(space).trim();
  if (token === '') {
    throw createUnauthorizedError(AuthFailureReason.Malformed, 'empty bearer credential');
  }
  if (token.length > MAX_TOKEN_CHARS) {
    throw createUnauthorizedError(AuthFailureReason.Malformed, `bearer credential longer than ${MAX_TOKEN_CHARS}`);
  }
  if (!B64TOKEN.test(token)) {
    throw createUnauthorizedError(AuthFailureReason.Malformed, 'bearer credential has characters outside b64token');
  }
  return token;
}
