import type { RetryPolicy } from '../functions/parseRetryPolicy.js';

/** ±20% jitter on each exponential step, as the host's randomized backoff uses. */
const randomizationFactor = 0.2;

/**
 * The host's delay sequence for one failing execution (each call gives the delay before the next retry). Fixed
 * delay: always the same. Exponential backoff: the minimum first, then minimum + minimum × 2^(n-2) × jitter for the
 * n-th retry, until that reaches the maximum, which then stays. `random` is injected for tests.
 */
export function createRetryDelays(policy: RetryPolicy, random: () => number = Math.random): () => number {
  if (policy.strategy === 'fixedDelay') return () => policy.delayMs;
  const { minimumMs, maximumMs } = policy;
  let current = 0;
  let exponent = 0;
  return () => {
    if (current === maximumMs) return current;
    let backoff = minimumMs;
    if (exponent > 0) {
      const jitter = 1 - randomizationFactor + random() * 2 * randomizationFactor;
      backoff += jitter * 2 ** (exponent - 1) * minimumMs;
    }
    if (backoff < maximumMs) {
      current = backoff;
      exponent += 1;
    } else {
      current = maximumMs;
    }
    return current;
  };
}
