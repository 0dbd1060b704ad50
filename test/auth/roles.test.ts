import { describe, expect, it } from 'vitest';
import { Role, hasRole, readRolesFromClaims, requireRole } from '../../src/auth';
import type { Principal } from '../../src/auth';
import { AppError, ErrorCode } from '../../src/errors';

function principalWith(...roles: string[]): Principal {
  return { subject: 'user', roles: new Set(roles), issuer: null, expiresAt: new Date(0) };
}

describe('roles', () => {
  it('collects roles from the roles array and the scp and scope strings, as a union', () => {
    const roles = readRolesFromClaims({
      roles: ['MarketData.Write', 42, '', 'Other'],
      scp: 'MarketData.Admin  openid',
      scope: 'profile MarketData.Write',
    });
    expect([...roles].sort()).toEqual(['MarketData.Admin', 'MarketData.Write', 'Other', 'openid', 'profile']);
  });

  it('ignores role claims of the wrong shape', () => {
    expect(readRolesFromClaims({ roles: 'MarketData.Admin', scp: ['MarketData.Admin'] }).size).toBe(0);
  });

  it('grants read to any principal, write to Write or Admin, and admin only to Admin', () => {
    expect(hasRole(principalWith(), Role.Read)).toBe(true);
    expect(hasRole(principalWith(), Role.Write)).toBe(false);
    expect(hasRole(principalWith(Role.Write), Role.Write)).toBe(true);
    expect(hasRole(principalWith(Role.Write), Role.Admin)).toBe(false);
    expect(hasRole(principalWith(Role.Admin), Role.Write)).toBe(true);
    expect(hasRole(principalWith(Role.Admin), Role.Admin)).toBe(true);
  });

  it('throws FORBIDDEN naming the missing role', () => {
    let caught: unknown;
    try {
      requireRole(principalWith(Role.Read), Role.Write);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe(ErrorCode.Forbidden);
    expect((caught as AppError).message).toContain('MarketData.Write');
    expect(() => requireRole(principalWith(Role.Admin), Role.Write)).not.toThrow();
  });
});
