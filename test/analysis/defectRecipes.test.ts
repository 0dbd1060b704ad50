import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import type { BundleTotals } from '../../src/analysis/metricNames';
import type { DefectFamily } from '../../scripts/bundleGenerator/defectFamilies';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs, createTestContext } from './analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

// Each recipe alone, on a small bundle where every symbol gets it; the metric it must move, per symbol carrying it.
const RECIPES: readonly [DefectFamily, Partial<Record<keyof BundleTotals, number>>][] = [
  ['missing_row', { missing_days: 1, gap_count: 1 }],
  ['missing_block', { missing_days: 3, gap_count: 1, longest_gap: 3 }],
  ['exact_duplicate', { duplicate_rows: 1, conflicting_duplicates: 0 }],
  ['conflicting_duplicate', { duplicate_rows: 1, conflicting_duplicates: 1 }],
  ['ohlc_violation', { ohlc_violations: 1, vwap_out_of_range_rows: 0 }],
  ['non_positive_price', { non_positive_price_rows: 1, missing_days: 0 }],
  ['suspension_fill', { zero_volume_rows: 3, suspended_fill_rows: 3 }],
  ['zero_volume_trade', { zero_volume_rows: 1, suspended_fill_rows: 0 }],
  ['stale_run', { repeated_rows: 4, stale_runs: 1 }],
  ['spike', { limit_breaches: 2, split_candidates: 0 }],
  ['unadjusted_split', { limit_breaches: 1, split_candidates: 1 }],
  ['adjusted_split', { adj_factor_changes: 1, limit_breaches: 0 }],
  ['declared_split', { declared_actions: 1, limit_breaches: 0, split_candidates: 0 }],
  ['declared_dividend', { declared_actions: 1, limit_breaches: 0, split_candidates: 0 }],
  ['off_calendar_row', { out_of_calendar_rows: 1, unsorted: 0 }],
  ['parse_errors', { parse_error_rows: 2, missing_days: 0 }],
  ['unit_error', { vwap_out_of_range_rows: 1 }],
  ['unsorted_file', { unsorted: 1 }],
  ['limit_hits', { limit_up_hits: 1, limit_down_hits: 1 }],
];

const SYMBOLS = 7; // one per board in the generator's prefix cycle

describe('each defect recipe', () => {
  for (const [family, perSymbol] of RECIPES) {
    it(`${family}: the analyzer counts exactly what the generator booked`, async () => {
      const dir = temp.make();
      const expected = await writeSyntheticBundleDir(dir, {
        symbols: SYMBOLS,
        days: 120,
        seed: 11,
        start: '2022-01-04',
        defects: [family],
      });
      const actual = await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
      expect(actual).toEqual(expected);
      for (const [metric, perSymbolValue] of Object.entries(perSymbol)) {
        const want = metric === 'longest_gap' ? perSymbolValue : perSymbolValue * SYMBOLS;
        expect(actual.bundle[metric as keyof BundleTotals], metric).toBe(want);
      }
    });
  }

  it('delisted and late_listed: one symbol each ends early or starts late', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, {
      symbols: 8,
      days: 120,
      seed: 3,
      defects: ['delisted', 'late_listed'],
    });
    const actual = await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
    expect(actual).toEqual(expected);
    expect(actual.bundle.delisted_symbols).toBe(4);
    expect(actual.bundle.late_listed_symbols).toBe(4);
  });

  it('empty_day: one calendar day without rows, and a missing day for every symbol listed then', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, { symbols: 12, days: 100, seed: 5, defects: ['empty_day'] });
    const actual = await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
    expect(actual).toEqual(expected);
    expect(actual.bundle.empty_calendar_days).toBe(1);
    expect(actual.bundle.missing_days).toBe(12);
  });

  it('frozen_day: a day repeating the previous one for 95% of symbols is frozen', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, { symbols: 40, days: 100, seed: 9, defects: ['frozen_day'] });
    const actual = await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
    expect(actual).toEqual(expected);
    expect(actual.bundle.frozen_days).toBe(1);
    expect(actual.bundle.repeated_rows).toBe(38);
  });

  it('the none preset produces a clean bundle with no findings', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, {
      symbols: 30,
      days: 300,
      seed: 2,
      start: '2019-06-03',
      defects: 'none',
    });
    const actual = await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
    expect(actual).toEqual(expected);
    const { symbol_count, rows_written, first_date, last_date, cn_a_rule_symbols, generic_rule_symbols, ...findings } =
      actual.bundle;
    expect(symbol_count).toBe(30);
    expect([cn_a_rule_symbols, generic_rule_symbols]).toEqual([30, 0]);
    expect(rows_written).toBe(30 * 300);
    expect(first_date).toBe('2019-06-03');
    expect(last_date).not.toBeNull();
    expect(Object.values(findings).every((value) => value === 0)).toBe(true);
  });
});
