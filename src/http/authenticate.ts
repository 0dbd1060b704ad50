import type { HttpRequest } from '@azure/functions';
import { requireRole } from '../auth/roles';
import type { Principal, Role } from '../auth/roles';
import type { TokenVerifier } from '../auth/createTokenVerifier';

/**
 * Verifies the request's bearer token and, when `requiredRole` is given, that the caller holds it.
 * Throws UNAUTHORIZED, FORBIDDEN or INVALID_CONFIG (auth not configured) for `toErrorResponse` to map.
 */
export async function authenticate(
  request: HttpRequest,
  verifier: TokenVerifier,
  requiredRole?: Role,
): Promise<Principal> {
  const principal = await verifier.verify(request.headers.get('authorization'));
  if (requiredRole !== undefined) requireRole(principal, requiredRole);
  return principal;
}
