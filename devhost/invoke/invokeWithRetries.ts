import type { RetryContext } from '@azure/functions';
import type { DevhostLog } from '../durable/types.js';
import type { RetryPolicy } from '../functions/parseRetryPolicy.js';
import { createRetryDelays } from './createRetryDelays.js';

export interface RetryLoopOptions {
  functionName: string;
  policy: RetryPolicy | undefined;
  /** One attempt; rejects when the function failed. */
  attempt(retryContext: RetryContext | undefined): Promise<unknown>;
  /** Waits ms; resolves false when the signal aborted the wait. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
  /** Aborted when the host stops: a pending retry is then abandoned. */
  signal: AbortSignal;
  log: DevhostLog;
  random?: () => number;
}

// .NET TimeSpan's constant format, as the host prints delays: [d.]hh:mm:ss[.fffffff].
export function formatTimeSpan(ms: number): string {
  const ticks = Math.round(ms * 10_000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const days = Math.floor(ticks / 864_000_000_000);
  const hours = Math.floor(ticks / 36_000_000_000) % 24;
  const minutes = Math.floor(ticks / 600_000_000) % 60;
  const seconds = Math.floor(ticks / 10_000_000) % 60;
  const fraction = ticks % 10_000_000;
  return `${days > 0 ? `${days}.` : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}${fraction > 0 ? `.${pad(fraction, 7)}` : ''}`;
}

// What the host puts in retryContext.exception: its invocation exception wrapping the worker's error, formatted the
// way it formats exceptions, minus the .NET stack frames (the devhost has none; source and stackTrace stay empty).
function toRetryException(functionName: string, error: unknown): NonNullable<RetryContext['exception']> {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return {
    message:
      `Microsoft.Azure.WebJobs.Host.FunctionInvocationException : Exception while executing function: ` +
      `Functions.${functionName} ---> Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException : Result: Failure\n` +
      `Exception: ${message}\nStack: ${stack}\n   End of inner exception`,
    source: '',
    stackTrace: '',
  };
}

/**
 * Runs a function the way the host's executor does when the function has a retry policy: every attempt gets a
 * retryContext (the first one retryCount 0 and no exception), a failure waits for the policy's next delay and tries
 * again until maxRetryCount retries have failed (-1: never stop). Without a policy it is a single attempt with no
 * retryContext. Resolves with the first success; rejects with the last failure.
 */
export async function invokeWithRetries(options: RetryLoopOptions): Promise<unknown> {
  const { policy, log, functionName } = options;
  if (!policy) return options.attempt(undefined);
  const nextDelay = createRetryDelays(policy, options.random);
  let retryContext: RetryContext = { retryCount: 0, maxRetryCount: policy.maxRetryCount };
  for (;;) {
    try {
      return await options.attempt(retryContext);
    } catch (error) {
      const retryCount = retryContext.retryCount;
      if (policy.maxRetryCount !== -1 && retryCount >= policy.maxRetryCount) {
        log('error', `[${functionName}] Function execution failed after '${retryCount}' retries.`);
        throw error;
      }
      const delay = nextDelay();
      retryContext = {
        retryCount: retryCount + 1,
        maxRetryCount: policy.maxRetryCount,
        exception: toRetryException(functionName, error),
      };
      log(
        'information',
        `[${functionName}] Waiting for \`${formatTimeSpan(delay)}\` before retrying function execution. ` +
          `Next attempt: '${retryCount + 1}'. Max retry count: '${policy.maxRetryCount}'.`,
      );
      if (!(await options.sleep(delay, options.signal))) {
        log('warning', `[${functionName}] Invocation cancelled - exiting retry loop.`);
        throw error;
      }
    }
  }
}
