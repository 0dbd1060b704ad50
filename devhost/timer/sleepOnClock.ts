import type { TimerClock } from './createTimerScheduler.js';

// setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days), so longer waits go in steps.
const maxStepMs = 2 ** 31 - 1;

/** Waits ms on the clock; resolves false at once when the signal aborts (the pending timer is cleared). */
export function sleepOnClock(clock: TimerClock, ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    let handle: unknown;
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const wait = (remaining: number): void => {
      handle = clock.setTimeout(
        () => {
          if (remaining > maxStepMs) {
            wait(remaining - maxStepMs);
            return;
          }
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        },
        Math.min(remaining, maxStepMs),
      );
    };
    signal.addEventListener('abort', onAbort, { once: true });
    wait(Math.max(0, ms));
  });
}
