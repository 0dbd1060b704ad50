import { AppError, ErrorCode } from '../errors';

/** Application roles. The values are what identity providers put in the `roles`, `scp` or `scope` claims. */
export const Role = {
  /** Implied by any valid token: reading tasks, logs and the bundle. */
  Read: 'MarketData.Read',
  /** Submit, retry and cancel tasks. `Admin` implies it. */
  Write: 'MarketData.Write',
  /** Everything, plus the durable management URLs (they carry the host's system key on Azure). */
  Admin: 'MarketData.Admin',
} as const;

export type Role = (typeof Role)[keyof typeof Role];

/** The caller, as established by a verified bearer token. */
export interface Principal {
  /** The `sub` claim, or null when the token has none. */
  readonly subject: string | null;
  /** Every role and scope the token carries (the union of `roles`, `scp` and `scope`), as given. */
  readonly roles: ReadonlySet<string>;
  /** The `iss` claim, or null. */
  readonly issuer: string | null;
  /** When the token stops being accepted (from `exp`). */
  readonly expiresAt: Date;
}

/** True when the principal may act in `role`; Read is implied by any token and Admin implies Write. */
export function hasRole(principal: Principal, role: Role): boolean {
  switch (role) {
    case Role.Read:
      return true;
    case Role.Write:
      return principal.roles.has(Role.Write) || principal.roles.has(Role.Admin);
    case Role.Admin:
      return principal.roles.has(Role.Admin);
  }
}

/** Throws FORBIDDEN unless the principal has `role`. */
export function requireRole(principal: Principal, role: Role): void {
  if (!hasRole(principal, role)) {
    throw new AppError(ErrorCode.Forbidden, `this action requires the ${role} role`, {
      details: { required_role: role },
    });
  }
}

/**
 * Collects roles from `roles` (an array of strings, as Entra ID app roles) and from `scp` / `scope`
 * (space-separated strings, as OAuth 2.0 delegated scopes). Values of any other shape are ignored.
 */
export function readRolesFromClaims(claims: Readonly<Record<string, unknown>>): ReadonlySet<string> {
  const roles = new Set<string>();
  const listed = claims['roles'];
  if (Array.isArray(listed)) {
    for (const role of listed) {
      if (typeof role === 'string' && role.length > 0) roles.add(role);
    }
  }
  for (const claim of ['scp', 'scope']) {
    const value = claims[claim];
    if (typeof value !== 'string') continue;
    for (const scope of value.split(/\s+/)) {
      if (scope.length > 0) roles.add(scope);
    }
  }
  return roles;
}
