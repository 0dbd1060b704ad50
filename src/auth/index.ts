export { AuthFailure, AuthFailureReason } from './authFailure';
export { createTokenVerifier } from './createTokenVerifier';
export type { JwksCacheOptions, TokenVerifier, TokenVerifierOptions } from './createTokenVerifier';
export { DEV_SECRET_FILE, loadOrCreateDevSecret } from './loadOrCreateDevSecret';
export { generateSecret, mintToken } from './mintToken';
export type { MintTokenOptions } from './mintToken';
export { Role, hasRole, readRolesFromClaims, requireRole } from './roles';
export type { Principal } from './roles';
