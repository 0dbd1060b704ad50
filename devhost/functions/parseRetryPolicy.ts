import { DevhostError, DevhostErrorCode } from '../devhostError.js';

/** A function-level retry policy (the `retry` option of app.timer and friends), durations in milliseconds. */
export type RetryPolicy =
  | { readonly strategy: 'fixedDelay'; readonly maxRetryCount: number; readonly delayMs: number }
  | {
      readonly strategy: 'exponentialBackoff';
      readonly maxRetryCount: number;
      readonly minimumMs: number;
      readonly maximumMs: number;
    };

interface RpcDuration {
  seconds?: number;
  nanos?: number;
}

function invalid(reason: string): DevhostError {
  return new DevhostError(DevhostErrorCode.InvalidConfig, `The retry policy is invalid: ${reason}`);
}

// The library sends durations as { seconds } (rounded to whole seconds); a missing one fails the host's validation.
function toMs(duration: RpcDuration | null | undefined, name: string): number {
  if (duration === undefined || duration === null) throw invalid(`${name} is required.`);
  const ms = (duration.seconds ?? 0) * 1000 + (duration.nanos ?? 0) / 1e6;
  if (!Number.isFinite(ms) || ms < 0) throw invalid(`${name} must be a non-negative duration.`);
  return ms;
}

/**
 * Reads the registered `retryOptions` and validates them as the host does when it indexes the function: a missing
 * maxRetryCount counts as 0 (it travels as a protobuf int32), -1 means retry without end, anything below -1 and
 * missing or inverted intervals are errors. Undefined when the function has no retry policy.
 */
export function parseRetryPolicy(retryOptions: unknown): RetryPolicy | undefined {
  if (retryOptions === undefined || retryOptions === null) return undefined;
  const options = retryOptions as Record<string, unknown>;
  const count = options['maxRetryCount'] ?? 0;
  if (typeof count !== 'number' || !Number.isFinite(count)) throw invalid('maxRetryCount must be a number.');
  const maxRetryCount = Math.trunc(count);
  if (maxRetryCount < -1) throw invalid('maxRetryCount must be -1 (retry indefinitely) or more.');
  switch (options['retryStrategy']) {
    case 'fixedDelay':
      return {
        strategy: 'fixedDelay',
        maxRetryCount,
        delayMs: toMs(options['delayInterval'] as RpcDuration, 'delayInterval'),
      };
    case 'exponentialBackoff': {
      const minimumMs = toMs(options['minimumInterval'] as RpcDuration, 'minimumInterval');
      const maximumMs = toMs(options['maximumInterval'] as RpcDuration, 'maximumInterval');
      if (minimumMs > maximumMs) throw invalid('the minimumInterval must not be greater than the maximumInterval.');
      return { strategy: 'exponentialBackoff', maxRetryCount, minimumMs, maximumMs };
    }
    default:
      throw invalid(`the strategy must be 'fixedDelay' or 'exponentialBackoff'.`);
  }
}
