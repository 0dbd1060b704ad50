import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs, createTestContext } from './analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

describe('the analyzer against the generator default preset', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`equals expected.json exactly for seed ${seed}`, async () => {
      const dir = temp.make();
      const expected = await writeSyntheticBundleDir(dir, { symbols: 40, days: 250, seed, defects: 'default' });
      const actual = await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
      expect(actual).toEqual(expected);
      // The preset really injects defects (an all-zero expectation would pass trivially).
      expect(expected.bundle.limit_breaches).toBeGreaterThan(0);
      expect(expected.bundle.empty_calendar_days).toBe(1);
    });
  }
});
