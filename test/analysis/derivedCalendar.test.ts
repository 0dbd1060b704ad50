import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import type { SymbolInfo } from '../../src/analysis/analyzerSetup';
import { createDirectoryTree } from '../../src/analysis/bundleTree';
import { locateBundle } from '../../src/analysis/locateBundle';
import type { SymbolJob } from '../../src/analysis/workerMessages';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs, createTestContext } from './analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

describe('a bundle without calendar.csv', () => {
  it('is analysed against the union of its dates and matches the bookkeeping of the default preset', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, { symbols: 42, days: 250, seed: 12, calendarFile: false });
    const ctx = createTestContext();
    const actual = await analyzeBundleToSummary(dir, ctx, { workers: 0 });
    expect(actual).toEqual(expected);
    expect(actual.calendar_source).toBe('derived');
    // The market-wide empty day is absent from every file, so it is not in the derived calendar: no empty day and
    // no missing day for it, which is what the warning says.
    expect(actual.bundle.empty_calendar_days).toBe(0);
    expect(ctx.logs.some((line) => /no calendar\.csv.*empty days cannot be seen/.test(line))).toBe(true);
    const withCalendar = await writeSyntheticBundleDir(temp.make(), { symbols: 42, days: 250, seed: 12 });
    expect(withCalendar.bundle.empty_calendar_days).toBe(1);
    expect(actual.bundle.missing_days).toBeLessThan(withCalendar.bundle.missing_days!);
  });

  it('reads each data file once: the analysis runs on a stream of jobs that cannot be replayed', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, { symbols: 30, days: 120, seed: 4, calendarFile: false });
    const layout = await locateBundle(createDirectoryTree(dir));
    let reads = 0;
    const files = readdirSync(join(dir, 'daily')).sort();
    const jobs = async function* (info: (symbol: string) => SymbolInfo): AsyncGenerator<SymbolJob> {
      for (const name of files) {
        reads++;
        const data = await readFile(join(dir, 'daily', name));
        yield { kind: 'csv', info: info(name.replace(/\.csv$/, '')), data: { kind: 'bytes', data, gzip: false } };
      }
    };
    const actual = await analyzeBundleToSummary({ layout, jobs, total: files.length }, createTestContext(), {
      workers: 0,
    });
    expect(actual).toEqual(expected);
    expect(reads).toBe(30);
  });
});
