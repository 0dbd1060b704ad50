import { LRUCache } from 'lru-cache';
import type { Principal } from './roles';

export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at most; default 1000. */
  readonly maxEntries?: number;
  /** Longest a verification is reused, in ms; default 60 s (a JWKS key set is itself trusted for 10 minutes). */
  readonly maxAgeMs?: number;
  /** Longer tokens are never remembered, so hostile tokens cannot fill memory; default 8 KiB. */
  readonly maxTokenLength?: number;
  /** Leeway after `exp`, in ms, as the verifier applies it. */
  readonly expiryToleranceMs: number;
  readonly now: () => number;
}

interface Entry {
  readonly principal: Principal;
  readonly usableUntil: number;
}

/**
 * Remembers tokens that verified, keyed by the whole token text, so a client polling with one token pays for the
 * signature check once a minute rather than on every request. An entry is used only while the token is still
 * unexpired (with the same leeway) and younger than `maxAgeMs`; a refused token is never remembered.
 */
export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions) {
  const cache = new LRUCache<string, Entry>({ max: options.maxEntries ?? 1000 });
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const maxTokenLength = options.maxTokenLength ?? 8192;
  return {
    get(token: string): Principal | undefined {
      const entry = cache.get(token);
      if (entry === undefined) return undefined;
      if (options.now() < entry.usableUntil) return entry.principal;
      cache.delete(token);
      return undefined;
    },
    remember(token: string, principal: Principal): void {
      if (token.length > maxTokenLength) return;
      const now = options.now();
      const usableUntil = Math.min(now + maxAgeMs, principal.expiresAt.getTime() + options.expiryToleranceMs);
      if (usableUntil > now) cache.set(token, { principal, usableUntil });
    },
  };
}
