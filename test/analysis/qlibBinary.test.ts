import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundle, analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { openTarGzBundle } from '../../src/analysis/archive/openTarGzBundle';
import { openZipTree } from '../../src/analysis/archive/openZipTree';
import { createAnalysisStore } from '../../src/analysis/createAnalysisStore';
import { getCurrentAnalysis } from '../../src/analysis/getCurrentAnalysis';
import { listSymbolMetrics } from '../../src/analysis/listSymbolMetrics';
import { SYMBOL_COUNT_METRICS, type BundleSummary } from '../../src/analysis/metricNames';
import { openDatabase } from '../../src/db/openDatabase';
import { isAppError } from '../../src/errors';
import { createZipWriter } from '../../scripts/zip/createZipWriter';
import { QLIB_EXPRESSIBLE_FAMILIES } from '../../scripts/bundleGenerator/defectFamilies';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs, createTestContext } from './analysisTestKit';
import { qlibBin, writeTree } from './bundleTrees';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const NOT_IN_QLIB = [
  'duplicate_rows',
  'conflicting_duplicates',
  'out_of_calendar_rows',
  'unsorted',
  'declared_actions',
];

/** One symbol's fields from raw closes: adjusted = raw × factor, volume ÷ factor, o=h=l=c. */
function qlibSymbol(closes: readonly number[], factors: readonly number[], start = 0): Record<string, Buffer> {
  const adjusted = closes.map((close, i) => close * factors[i]!);
  return {
    'open.day.bin': qlibBin(start, adjusted),
    'high.day.bin': qlibBin(start, adjusted),
    'low.day.bin': qlibBin(start, adjusted),
    'close.day.bin': qlibBin(start, adjusted),
    'volume.day.bin': qlibBin(
      start,
      factors.map((f) => 1000 / f),
    ),
    'factor.day.bin': qlibBin(start, factors),
  };
}

const CALENDAR = '2024-03-04\n2024-03-05\n2024-03-06\n2024-03-07\n2024-03-08\n';

function prefixed(dir: string, files: Record<string, Buffer>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(files).map(([name, data]) => [`features/${dir}/${name}`, data]));
}

describe('qlib binary bundles', () => {
  it('csv-daily and qlib binary written from one seeded source agree on every metric both can express', async () => {
    const csvDir = temp.make();
    const qlibDir = temp.make();
    const options = { symbols: 49, days: 260, seed: 17, defects: QLIB_EXPRESSIBLE_FAMILIES, stSymbols: false };
    const csvExpected = await writeSyntheticBundleDir(csvDir, options);
    const qlibExpected = await writeSyntheticBundleDir(qlibDir, { ...options, format: 'qlib-bin' });
    const csv = await analyzeBundleToSummary(csvDir, createTestContext(), { workers: 0 });
    const qlib = await analyzeBundleToSummary(qlibDir, createTestContext(), { workers: 0 });
    expect(csv).toEqual(csvExpected);
    expect(qlib).toEqual(qlibExpected);
    expect(qlib.format).toBe('qlib-bin');
    expect(Object.keys(qlib.symbols)).toEqual(Object.keys(csv.symbols));
    const compare = (a: BundleSummary['bundle'] | BundleSummary['symbols'][string], b: typeof a): void => {
      for (const name of SYMBOL_COUNT_METRICS) {
        if (NOT_IN_QLIB.includes(name)) expect(b[name], name).toBeNull();
        else expect(b[name], name).toBe(a[name]);
      }
    };
    compare(csv.bundle, qlib.bundle);
    for (const symbol of Object.keys(csv.symbols)) compare(csv.symbols[symbol]!, qlib.symbols[symbol]!);
    // Real findings on both sides, so agreement is not agreement on zeros.
    expect(qlib.bundle.limit_breaches).toBeGreaterThan(0);
    expect(qlib.bundle.adj_factor_changes).toBeGreaterThan(0);
    expect(qlib.bundle.missing_days).toBeGreaterThan(0);
    expect(qlib.bundle.vwap_out_of_range_rows).toBeGreaterThan(0);
    expect(qlib.bundle.parse_error_rows).toBeGreaterThan(0);
  });

  it('checks limits on raw prices (adjusted ÷ factor) with the board rules of SH, SZ and BJ names, generic otherwise', async () => {
    const dir = temp.make();
    const steady = [1, 1, 1, 1, 1];
    await writeTree(dir, {
      'calendars/day.txt': CALENDAR,
      'instruments/all.txt': 'SH600000\t2024-03-04\t2024-03-08\n',
      // A 2:1 split folded into the factor: raw 10 → 5, adjusted continuous. Not a breach.
      ...prefixed('sh600000', qlibSymbol([10, 10.5, 5.25, 5.3, 5.2], [1, 1, 2, 2, 2])),
      // +15% on the SZ main board (±10%): a breach; the same move on the Beijing board (±30%) is not.
      ...prefixed('sz000001', qlibSymbol([10, 11.5, 11.6, 11.5, 11.4], steady)),
      ...prefixed('bj430047', qlibSymbol([10, 11.5, 11.6, 11.5, 11.4], steady)),
      // The CSI 300 index as qlib names it: 000300 is a stock code only on Shenzhen, so the generic rule, no breach.
      ...prefixed('sh000300', qlibSymbol([10, 11.5, 11.6, 11.5, 11.4], steady)),
      // Not an A-share: the generic rule, where only a move beyond ±50% is a breach; -65% near no split ratio.
      ...prefixed('aapl', qlibSymbol([100, 115, 40, 40.5, 41], steady)),
    });
    const summary = await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
    expect(Object.keys(summary.symbols)).toEqual(['000001.SZ', '000300.SH', '430047.BJ', '600000.SH', 'AAPL']);
    expect(summary.symbols['600000.SH']).toMatchObject({ limit_breaches: 0, adj_factor_changes: 1, rule_set: 'cn-a' });
    expect(summary.symbols['000001.SZ']).toMatchObject({ limit_breaches: 1, rule_set: 'cn-a' });
    expect(summary.symbols['430047.BJ']).toMatchObject({ limit_breaches: 0, rule_set: 'cn-a' });
    expect(summary.symbols['000300.SH']).toMatchObject({ limit_breaches: 0, limit_up_hits: 0, rule_set: 'generic' });
    expect(summary.symbols['AAPL']).toMatchObject({ limit_breaches: 1, split_candidates: 0, rule_set: 'generic' });
    expect(summary.symbols['AAPL']?.vwap_out_of_range_rows).toBeNull(); // no amount.day.bin: VWAP is not applicable
    expect(summary.bundle).toMatchObject({ cn_a_rule_symbols: 3, generic_rule_symbols: 2, rows_written: 25 });
  });

  it('stores not-applicable metrics as NULL and reads them back as null in the totals and the symbols table', async () => {
    const dir = temp.make();
    await writeSyntheticBundleDir(dir, { symbols: 14, days: 90, seed: 5, format: 'qlib-bin' });
    const db = openDatabase(':memory:');
    try {
      const { runId } = await analyzeBundle(
        { bundleDir: dir, store: createAnalysisStore(db), workers: 0 },
        createTestContext(),
      );
      const current = getCurrentAnalysis(db)!;
      expect(current.format).toBe('qlib-bin');
      for (const name of NOT_IN_QLIB) expect(current.totals[name as 'unsorted'], name).toBeNull();
      expect(current.totals.missing_days).toBeGreaterThan(0);
      const page = listSymbolMetrics(db, runId, { limit: 100, offset: 0, sort: '-duplicate_rows' });
      expect(page.total).toBe(14);
      for (const item of page.items) {
        expect(item.duplicate_rows).toBeNull();
        expect(item.rule_set).toBe('cn-a');
        expect(typeof item.limit_breaches).toBe('number');
      }
    } finally {
      db.close();
    }
  });

  it('reads a qlib tree inside a tar.gz (calendar first: one pass) and a zip, in place', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(join(dir, 'qlib_bin'), {
      symbols: 21,
      days: 120,
      seed: 3,
      format: 'qlib-bin',
    });
    const tarPath = join(dir, 'qlib_bin.tar.gz');
    // tar stores the order given: calendars/ first, as a streamed read wants it.
    execFileSync('tar', [
      '-czf',
      tarPath,
      '-C',
      dir,
      'qlib_bin/calendars',
      'qlib_bin/features',
      'qlib_bin/instruments',
    ]);
    const streamed = await openTarGzBundle(tarPath, createTestContext(), { budgetBytes: 1024 });
    expect(typeof streamed === 'object' && streamed !== null && 'jobs' in streamed).toBe(true);
    expect(await analyzeBundleToSummary(streamed!, createTestContext(), { workers: 0 })).toEqual(expected);

    const zipPath = join(dir, 'qlib_bin.zip');
    const zip = createZipWriter(zipPath);
    for (const file of execFileSync('find', ['qlib_bin', '-type', 'f'], { cwd: dir, encoding: 'utf8' }).split('\n')) {
      if (file !== '') await zip.addFile(file, execFileSync('cat', [join(dir, file)]));
    }
    await zip.close();
    expect(await analyzeBundleToSummary(await openZipTree(zipPath), createTestContext(), { workers: 0 })).toEqual(
      expected,
    );
  });

  it('reads a tar.gz whose features come before the calendar in a second pass once its budget is spent', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(join(dir, 'b'), {
      symbols: 80,
      days: 40,
      seed: 9,
      format: 'qlib-bin',
    });
    const tarPath = join(dir, 'late-calendar.tar.gz');
    execFileSync('tar', ['-czf', tarPath, '-C', join(dir, 'b'), 'features', 'instruments', 'calendars']);
    const ctx = createTestContext();
    const input = await openTarGzBundle(tarPath, ctx, { budgetBytes: 4096 });
    // The first pass listed every symbol, and said so while it went (80 symbols × 7 fields); the data is read in a
    // second pass.
    expect(typeof input === 'object' && input !== null && 'jobs' in input ? input.total : null).toBe(80);
    expect(ctx.progress).toEqual([
      {
        done: 500,
        total: null,
        unit: 'files',
        message: '500 files listed; the data is read in a second pass',
      },
    ]);
    expect(await analyzeBundleToSummary(input!, createTestContext(), { workers: 0 })).toEqual(expected);
  });

  it('reports unreadable and mismatched field files as issues without failing the symbol', async () => {
    const dir = temp.make();
    const files = qlibSymbol([10, 10.1, 10.2, 10.3, 10.2], [1, 1, 1, 1, 1]);
    await writeTree(dir, {
      'calendars/day.txt': CALENDAR,
      ...prefixed('sh600000', { ...files, 'amount.day.bin': Buffer.from([1, 2, 3]) }),
      // close starts a day later than the other fields, and runs past the calendar's end.
      ...prefixed('sh600001', { ...files, 'close.day.bin': qlibBin(1, [10, 10.1, 10.2, 10.3, 10.2]) }),
    });
    const db = openDatabase(':memory:');
    try {
      const result = await analyzeBundle(
        { bundleDir: dir, store: createAnalysisStore(db), workers: 0 },
        createTestContext(),
      );
      // amount is not required: without it VWAP is not applicable, and every day is still checked.
      expect(result.symbols['600000.SH']).toMatchObject({
        rows_written: 5,
        vwap_out_of_range_rows: null,
        parse_error_rows: 0,
      });
      // The first day has no close: a parse error, its day still present.
      expect(result.symbols['600001.SH']).toMatchObject({ rows_written: 5, parse_error_rows: 1, missing_days: 0 });
      const issues = db
        .prepare(`SELECT symbol, detail FROM analysis_issues WHERE check_code = 'FIELD_MISMATCH' ORDER BY symbol`)
        .all() as { symbol: string; detail: string }[];
      expect(issues.map((issue) => issue.symbol)).toEqual(expect.arrayContaining(['600000.SH', '600001.SH']));
      expect(issues.some((issue) => /runs past the calendar/.test(issue.detail))).toBe(true);
    } finally {
      db.close();
    }
  });

  it('counts every day of a symbol without a required field file as a parse error, and the symbol as an error', async () => {
    const dir = temp.make();
    const files = qlibSymbol([10, 10.1, 10.2, 10.3, 10.2], [1, 1, 1, 1, 1]);
    const { ['volume.day.bin']: _volume, ...withoutVolume } = files;
    await writeTree(dir, {
      'calendars/day.txt': CALENDAR,
      ...prefixed('sh600000', files),
      ...prefixed('sh600001', withoutVolume),
      ...prefixed('sh600002', { ...files, 'close.day.bin': Buffer.from([1, 2, 3]) }),
    });
    const db = openDatabase(':memory:');
    try {
      const result = await analyzeBundle(
        { bundleDir: dir, store: createAnalysisStore(db), workers: 0 },
        createTestContext(),
      );
      expect(result.symbols['600000.SH']).toMatchObject({ rows_written: 5, parse_error_rows: 0 });
      expect(result.symbols['600001.SH']).toMatchObject({ rows_written: 5, parse_error_rows: 5 });
      expect(result.symbols['600002.SH']).toMatchObject({ rows_written: 5, parse_error_rows: 5 });
      const rows = db
        .prepare(`SELECT symbol, status FROM analysis_symbol_metrics WHERE run_id = ? ORDER BY symbol`)
        .all(result.runId) as { symbol: string; status: string }[];
      expect(rows).toEqual([
        { symbol: '600000.SH', status: 'ok' },
        { symbol: '600001.SH', status: 'error' },
        { symbol: '600002.SH', status: 'error' },
      ]);
      const codes = db
        .prepare(`SELECT DISTINCT check_code FROM analysis_issues WHERE symbol = '600001.SH' ORDER BY check_code`)
        .all() as { check_code: string }[];
      expect(codes.map((row) => row.check_code)).toEqual(['MISSING_COLUMNS', 'PARSE_ERROR']);
    } finally {
      db.close();
    }
  });

  it('reports live progress and stops between symbols when cancelled', async () => {
    const dir = temp.make();
    await writeSyntheticBundleDir(dir, { symbols: 40, days: 60, seed: 2, format: 'qlib-bin' });
    const controller = new AbortController();
    const ctx = createTestContext(controller.signal);
    const cancelling = {
      ...ctx,
      onProgress: (progress: Parameters<typeof ctx.onProgress>[0]) => {
        ctx.onProgress(progress);
        if (progress.done >= 5) controller.abort();
      },
    };
    await expect(analyzeBundleToSummary(dir, cancelling, { workers: 0 })).rejects.toSatisfy((error) =>
      isAppError(error, 'CANCELLED'),
    );
    const done = ctx.progress.map((progress) => progress.done);
    expect(done[0]).toBe(0);
    expect(done.at(-1)).toBeLessThan(40);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
  });
});
