import { describe, expect, it } from 'vitest';
import { createRetryDelays } from '../../../devhost/invoke/createRetryDelays.js';
import { formatTimeSpan } from '../../../devhost/invoke/invokeWithRetries.js';

// Rounded to whole milliseconds (what a timer can wait), which hides floating-point dust from the jitter.
const take = (next: () => number, count: number): number[] => Array.from({ length: count }, () => Math.round(next()));

describe('retry delays', () => {
  it('waits the same delay before every retry with fixedDelay', () => {
    expect(take(createRetryDelays({ strategy: 'fixedDelay', maxRetryCount: 3, delayMs: 1500 }), 3)).toEqual([
      1500, 1500, 1500,
    ]);
  });

  it('starts exponential backoff at the minimum and adds minimum × 2^(n-2), jittered by ±20%, until the maximum', () => {
    const policy = { strategy: 'exponentialBackoff', maxRetryCount: -1, minimumMs: 1000, maximumMs: 5000 } as const;
    // random() = 0.5 is no jitter: 1, 1+1, 1+2, then 1+4 reaches the maximum, which then stays.
    expect(
      take(
        createRetryDelays(policy, () => 0.5),
        6,
      ),
    ).toEqual([1000, 2000, 3000, 5000, 5000, 5000]);
    // random() = 0 is the lowest jitter (×0.8): 1, 1.8, 2.6, 4.2, then 7.4 is capped.
    expect(
      take(
        createRetryDelays(policy, () => 0),
        5,
      ),
    ).toEqual([1000, 1800, 2600, 4200, 5000]);
    // random() → 1 is the highest (×1.2): 1, 2.2, 3.4, then 5.8 is capped.
    expect(
      take(
        createRetryDelays(policy, () => 1),
        4,
      ),
    ).toEqual([1000, 2200, 3400, 5000]);
  });

  it('uses the maximum at once when it equals the minimum, and zero when both are zero', () => {
    const same = { strategy: 'exponentialBackoff', maxRetryCount: 2, minimumMs: 2000, maximumMs: 2000 } as const;
    expect(take(createRetryDelays(same), 2)).toEqual([2000, 2000]);
    const zero = { strategy: 'exponentialBackoff', maxRetryCount: 2, minimumMs: 0, maximumMs: 0 } as const;
    expect(take(createRetryDelays(zero), 2)).toEqual([0, 0]);
  });

  it('prints delays the way .NET prints a TimeSpan', () => {
    expect(formatTimeSpan(1000)).toBe('00:00:01');
    expect(formatTimeSpan(1834.5)).toBe('00:00:01.8345000');
    expect(formatTimeSpan(90 * 60_000)).toBe('01:30:00');
    expect(formatTimeSpan(26 * 3_600_000)).toBe('1.02:00:00');
  });
});
