// What a bearer token says about itself, decoded only to explain it to the person holding it (missing, expired,
// read-only). The signature is not and cannot be checked here: the server verifies the token on every call.

const ADMIN_ROLE = 'MarketData.Admin';
const WRITE_ROLES = ['MarketData.Write', ADMIN_ROLE];

export type TokenState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'expired'; readonly expiresAt: Date }
  | {
      readonly kind: 'valid';
      readonly expiresAt: Date;
      readonly subject: string | null;
      readonly canWrite: boolean;
      readonly canAdmin: boolean;
    };

/** What the token says about itself (for display only: the signature is not and cannot be checked here). */
export function describeToken(token: string | null, nowMs: number): TokenState {
  if (token === null || token.trim() === '') return { kind: 'missing' };
  const payload = decodePayload(token.trim());
  if (payload === null || typeof payload.exp !== 'number') return { kind: 'invalid' };
  const expiresAt = new Date(payload.exp * 1000);
  if (expiresAt.getTime() <= nowMs) return { kind: 'expired', expiresAt };
  const roles = readRoles(payload);
  return {
    kind: 'valid',
    expiresAt,
    subject: typeof payload.sub === 'string' ? payload.sub : null,
    canWrite: WRITE_ROLES.some((role) => roles.has(role)),
    canAdmin: roles.has(ADMIN_ROLE),
  };
}

function decodePayload(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (token.split('.').length !== 3 || part === undefined || !/^[A-Za-z0-9_-]+$/.test(part)) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The same claims the server reads: `roles` (array) and `scp` / `scope` (space-separated). */
function readRoles(payload: Record<string, unknown>): Set<string> {
  const roles = new Set<string>();
  if (Array.isArray(payload.roles)) for (const role of payload.roles) if (typeof role === 'string') roles.add(role);
  for (const claim of [payload.scp, payload.scope]) {
    if (typeof claim === 'string') for (const scope of claim.split(/\s+/)) if (scope !== '') roles.add(scope);
  }
  return roles;
}
