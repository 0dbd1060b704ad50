import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { createTempDirs, createTestContext } from './analysisTestKit';
import { qlibBin, writeTree } from './bundleTrees';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const analyze = (dir: string) => analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });

// Seven trading days. A STAR Market listing since 2019-07-22 trades its first five days without a limit; after them
// the limit is ±20%.
const DAYS = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08', '2024-03-11', '2024-03-12'];
// From the listing: +150% on the second day (inside the window), then +30% on the sixth (past it).
const IPO_CLOSES = [10, 25, 26, 26.5, 27, 35.1];

function csv(firstDay: number, closes: readonly number[]): string {
  const rows = closes.map((close, i) => `${DAYS[firstDay + i]},${close},${close},${close},${close},1000`);
  return ['date,open,high,low,close,volume', ...rows].join('\n') + '\n';
}

function qlibFeatures(dir: string, start: number, closes: readonly number[]): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const field of ['open', 'high', 'low', 'close'])
    files[`features/${dir}/${field}.day.bin`] = qlibBin(start, closes);
  files[`features/${dir}/volume.day.bin`] = qlibBin(
    start,
    closes.map(() => 1000),
  );
  return files;
}

describe('IPO no-limit windows', () => {
  it('applies the window from instruments.csv list_date: no breach inside it, a breach after it', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': ['date', ...DAYS].join('\n') + '\n',
      'instruments.csv': 'symbol,list_date\n688001.SH,2024-03-05\n',
      'daily/688001.SH.csv': csv(1, IPO_CLOSES),
    });
    expect((await analyze(dir)).symbols['688001.SH']).toMatchObject({ limit_breaches: 1, rule_set: 'cn-a' });
  });

  it('without a listing date, takes a symbol that starts after the calendar begins to have listed on its first day', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': ['date', ...DAYS].join('\n') + '\n',
      'daily/688001.SH.csv': csv(1, IPO_CLOSES),
      // The same closes from the calendar's first day: nothing says it listed then, so +150% is a breach too.
      'daily/688002.SH.csv': csv(0, IPO_CLOSES),
    });
    const summary = await analyze(dir);
    expect(summary.symbols['688001.SH']).toMatchObject({ limit_breaches: 1 });
    expect(summary.symbols['688002.SH']).toMatchObject({ limit_breaches: 2 });
  });

  it('does the same for qlib binary, which carries no listing dates', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendars/day.txt': DAYS.join('\n') + '\n',
      ...qlibFeatures('sh688001', 1, IPO_CLOSES),
      ...qlibFeatures('sh688002', 0, IPO_CLOSES),
    });
    const summary = await analyze(dir);
    expect(summary.format).toBe('qlib-bin');
    expect(summary.symbols['688001.SH']).toMatchObject({ limit_breaches: 1 });
    expect(summary.symbols['688002.SH']).toMatchObject({ limit_breaches: 2 });
  });
});
