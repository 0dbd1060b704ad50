import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { createTempDirs, createTestContext } from './analysisTestKit';
import { writeTree } from './bundleTrees';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const analyze = (dir: string) => analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });

const DAYS = ['20240304', '20240305', '20240306', '20240307', '20240308', '20240311', '20240312'];
const CALENDAR = ['date', ...DAYS].join('\n') + '\n';

/** A tushare `daily` file from calendar day `firstDay`: closes with their pre_close (empty when null). */
function tushareRows(firstDay: number, rows: readonly (readonly [number, number | null])[]): string {
  const lines = rows.map(
    ([close, preClose], i) => `${DAYS[firstDay + i]},${close},${close},${close},${close},${preClose ?? ''},1000`,
  );
  return ['trade_date,open,high,low,close,pre_close,vol', ...lines].join('\n') + '\n';
}

describe('pre_close as the limit reference', () => {
  it("judges a symbol's first row against its pre_close, as every other row", async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      // The limit price from 10.00 on the main board is 11.00: 11.50 is a breach, 11.00 a limit-up hit.
      'daily/600000.SH.csv': tushareRows(0, [
        [11.5, 10],
        [11.6, 11.5],
      ]),
      'daily/600001.SH.csv': tushareRows(0, [
        [11, 10],
        [11.1, 11],
      ]),
      // The same first close with no pre_close on its row: nothing to judge it against.
      'daily/600002.SH.csv': tushareRows(0, [
        [11.5, null],
        [11.6, 11.5],
      ]),
    });
    const { symbols } = await analyze(dir);
    expect(symbols['600000.SH']).toMatchObject({ limit_breaches: 1, limit_up_hits: 0, repeated_rows: 0 });
    expect(symbols['600001.SH']).toMatchObject({ limit_breaches: 0, limit_up_hits: 1, adj_factor_changes: 0 });
    expect(symbols['600002.SH']).toMatchObject({ limit_breaches: 0, limit_up_hits: 0 });
  });

  it("keeps a listing's first row inside its no-limit window", async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      // A STAR Market listing on the calendar's second day: its first close is +150% on the issue price, and the
      // first five days have no limit.
      'daily/688001.SH.csv': tushareRows(1, [
        [25, 10],
        [26, 25],
      ]),
    });
    expect((await analyze(dir)).symbols['688001.SH']).toMatchObject({ limit_breaches: 0, rule_set: 'cn-a' });
  });
});
