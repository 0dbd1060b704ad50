export { AuthFailure, AuthFailureReason, readAuthFailureReason } from './authFailure';
export { JWKS_ALGORITHMS, SECRET_ALGORITHMS, createTokenVerifier } from './createTokenVerifier';
export type { JwksCacheOptions, TokenVerifier, TokenVerifierOptions } from './createTokenVerifier';
export { extractBearerToken } from './extractBearerToken';
export { DEV_SECRET_FILE, loadOrCreateDevSecret } from './loadOrCreateDevSecret';
export { MIN_SECRET_BYTES, encodeSecret, generateSecret, mintToken } from './mintToken';
export type { MintTokenOptions } from './mintToken';
export { Role, hasRole, readRolesFromClaims, requireRole } from './roles';
export type { Principal } from './roles';
