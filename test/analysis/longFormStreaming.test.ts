import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import type { SymbolAnalysis } from '../../src/analysis/createSymbolAnalyzer';
import { runBundleAnalysis } from '../../src/analysis/runBundleAnalysis';
import { isAppError } from '../../src/errors';
import type { StageProgress } from '../../src/stages/progress';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs, createTestContext } from './analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

/**
 * Rewrites a per-symbol bundle as long form, each symbol's own order kept: rows interleaved across symbols (a day at a
 * time, as a table by date is), or `bySymbol`, every row of one symbol before the next's (Quandl's WIKI order).
 */
function writeLongForm(
  perSymbolDir: string,
  longDir: string,
  parts: { name: string; gzip: boolean }[],
  bySymbol = false,
): void {
  for (const entry of readdirSync(perSymbolDir, { withFileTypes: true })) {
    if (entry.isFile()) writeFileSync(join(longDir, entry.name), readFileSync(join(perSymbolDir, entry.name)));
  }
  const files = readdirSync(join(perSymbolDir, 'daily')).sort();
  const tables = files.map((name) => {
    const symbol = name.replace(/\.csv$/, '');
    const lines = readFileSync(join(perSymbolDir, 'daily', name), 'utf8')
      .replace(/\n$/, '')
      .split('\n');
    // Blank lines stay blank; every other line (bad ones too) gains the symbol in front, and the declared-action
    // columns (dividend 0, split 1: none) when its file has none, so one header serves every symbol.
    const plain = !lines[0]!.endsWith(',dividend,split');
    const row = (line: string): string => (line.trim() === '' ? line : `${symbol},${line}${plain ? ',0,1' : ''}`);
    return { header: lines[0]!.replace(/,dividend,split$/, ''), rows: lines.slice(1).map(row) };
  });
  const longest = Math.max(...tables.map((table) => table.rows.length));
  const bodies = parts.map(() => [`symbol,${tables[0]!.header},dividend,split`]);
  if (bySymbol) {
    // In order, cut into the parts by row count, so a symbol at a cut spans two files.
    const rows = tables.flatMap((table) => table.rows);
    rows.forEach((row, i) => bodies[Math.floor((i * parts.length) / rows.length)]!.push(row));
  } else {
    // Each symbol's rows are dealt round-robin over the parts, so a symbol spans every file.
    for (let i = 0; i < longest; i++) {
      for (const table of tables) {
        const row = table.rows[i];
        if (row !== undefined) bodies[Math.floor((i * parts.length) / longest)]!.push(row);
      }
    }
  }
  parts.forEach((part, k) => {
    const text = `${bodies[k]!.join('\n')}\n`;
    writeFileSync(join(longDir, part.name), part.gzip ? gzipSync(text) : text);
  });
}

/** A plain long-form bundle of `symbols` × `days` rows with a padded name column, written without the generator. */
function writeWideLongForm(dir: string, symbols: number, days: number): void {
  const dates: string[] = [];
  for (let d = new Date(Date.UTC(2020, 0, 1)); dates.length < days; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) dates.push(d.toISOString().slice(0, 10));
  }
  writeFileSync(join(dir, 'calendar.csv'), `date\n${dates.join('\n')}\n`);
  const pad = 'x'.repeat(80);
  const lines = ['symbol,name,date,open,high,low,close,volume,amount'];
  for (let d = 0; d < days; d++) {
    for (let s = 0; s < symbols; s++) {
      const close = (10 + ((s + d) % 7) * 0.1).toFixed(2);
      lines.push(`${600000 + s}.SH,${pad},${dates[d]},10,11,9,${close},100,1000`);
    }
  }
  writeFileSync(join(dir, 'daily.csv'), `${lines.join('\n')}\n`);
}

/** Analyses a bundle in-process; `sample` finds a symbol's first sampled issue of a check. */
async function analyzeWithSamples(dir: string) {
  const results: SymbolAnalysis[] = [];
  const analysis = await runBundleAnalysis(dir, createTestContext(), {
    workers: 0,
    onSymbol: (result) => results.push(result),
  });
  const sample = (symbol: string, check: string) =>
    results.find((result) => result.symbol === symbol)!.issues.find((issue) => issue.check === check);
  return { analysis, sample };
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('long-form bundles stream through temporary per-symbol files', () => {
  const cases = [
    { bySymbol: false, calendarFile: true },
    { bySymbol: true, calendarFile: true },
    // The calendar then derived from the dates the split saw, before any symbol is analysed.
    { bySymbol: false, calendarFile: false },
  ];
  for (const { bySymbol, calendarFile } of cases) {
    it(`gives exactly the per-symbol metrics for 300 symbols × 400 days split over a plain and a gzip file (${bySymbol ? 'rows by symbol' : 'rows by day'}${calendarFile ? '' : ', no calendar.csv'})`, async () => {
      const perSymbol = temp.make();
      const options = { symbols: 300, days: 400, seed: 11, calendarFile };
      const expected = await writeSyntheticBundleDir(perSymbol, options);
      const longDir = temp.make();
      writeLongForm(
        perSymbol,
        longDir,
        [
          { name: 'daily_1.csv.gz', gzip: true },
          { name: 'daily_2.csv', gzip: false },
        ],
        bySymbol,
      );
      const spillParent = temp.make();
      const ctx = createTestContext();
      const long = await runBundleAnalysis(longDir, ctx, { workers: 0, tempDir: spillParent });
      expect(long.layout.kind).toBe('long');
      const source = calendarFile ? 'bundle' : 'derived';
      expect({ format: 'csv-daily', calendar_source: source, bundle: long.totals, symbols: long.symbols }).toEqual(
        expected,
      );
      expect(await analyzeBundleToSummary(perSymbol, createTestContext(), { workers: 0 })).toEqual(expected);
      expect(expected.bundle.duplicate_rows).toBeGreaterThan(0);
      expect(readdirSync(spillParent)).toEqual([]);
    }, 120_000);
  }

  it('keeps the line numbers of a file sorted by symbol, across a blank line, CRLF and a last line without newline', async () => {
    const dir = temp.make();
    writeFileSync(join(dir, 'calendar.csv'), 'date\n2024-03-04\n2024-03-05\n2024-03-06\n2024-03-07\n');
    writeFileSync(
      join(dir, 'prices.csv'),
      'symbol,date,open,high,low,close,volume\r\n' +
        '600000.SH,2024-03-04,10,11,9,10,100\r\n' +
        '600000.SH,2024-03-05,10,11,9,10.1,100\r\n' +
        '600000.SH,2024-03-05,10,11,9,10.2,100\r\n' +
        '600000.SH,2024-03-06,10,9,11,10.3,100\r\n' +
        '000001.SZ,2024-03-04,10,11,9,10,100\r\n' +
        '000001.SZ,2024-03-05,10,11,9,10,100\r\n' +
        '\r\n' +
        '000001.SZ,2024-03-07,10,9,11,10,100',
    );
    const { analysis, sample } = await analyzeWithSamples(dir);
    expect(analysis.symbols['600000.SH']).toMatchObject({ rows_written: 4, conflicting_duplicates: 1 });
    expect(analysis.symbols['000001.SZ']).toMatchObject({ rows_written: 3, ohlc_violations: 1, missing_days: 1 });
    // Line 4 conflicts with line 3; lines 5 and 9 (after the blank line 8, and unterminated) have high < low.
    expect(sample('600000.SH', 'CONFLICTING_DUPLICATE')).toMatchObject({ line: 4, detail: 'differs from line 3' });
    expect(sample('600000.SH', 'OHLC_VIOLATION')).toMatchObject({ line: 5 });
    expect(sample('000001.SZ', 'OHLC_VIOLATION')).toMatchObject({ line: 9 });
  });

  it('combines a symbol found in two files and reports original line numbers in issue samples', async () => {
    const dir = temp.make();
    writeFileSync(join(dir, 'calendar.csv'), 'date\n2024-03-04\n2024-03-05\n2024-03-06\n');
    writeFileSync(
      join(dir, 'a.csv'),
      'symbol,date,open,high,low,close,volume\n' +
        '600000.SH,2024-03-04,10,11,9,10,100\n' +
        '000001.SZ,2024-03-04,10,11,9,10,100\n' +
        '\n' +
        '600000.SH,2024-03-05,10,11,9,10.1,100\n',
    );
    writeFileSync(
      join(dir, 'b.csv'),
      'symbol,date,open,high,low,close,volume\n' +
        '000001.SZ,2024-03-05,10,11,9,10,100\n' +
        '600000.SH,2024-03-05,10,11,9,10.2,100\n' +
        '600000.SH,2024-03-06,10,11,9,10.3,100\n',
    );
    const { analysis, sample } = await analyzeWithSamples(dir);
    expect(analysis.symbols['600000.SH']).toMatchObject({
      rows_written: 4,
      duplicate_rows: 1,
      conflicting_duplicates: 1,
      last_date: '2024-03-06',
    });
    expect(analysis.totals).toMatchObject({ symbol_count: 2, rows_written: 6 });
    // Line 5 of a.csv is the first 2024-03-05 row; line 3 of b.csv conflicts with it.
    expect(sample('600000.SH', 'CONFLICTING_DUPLICATE')).toMatchObject({ line: 3, detail: 'differs from line 5' });
  });

  it('detects a symbol column in a gzip long-form file', async () => {
    const dir = temp.make();
    writeFileSync(join(dir, 'calendar.csv'), 'date\n2024-03-04\n2024-03-05\n');
    const csv =
      '\ufeffts_code,trade_date,open,high,low,close,vol\n600000.SH,20240304,10,11,9,10,1\n000001.SZ,20240305,5,6,4,5,1\n';
    writeFileSync(join(dir, 'daily.csv.gz'), gzipSync(csv));
    const summary = await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
    expect(Object.keys(summary.symbols)).toEqual(['000001.SZ', '600000.SH']);
    expect(summary.bundle).toMatchObject({ symbol_count: 2, rows_written: 2, parse_error_rows: 0 });
  });

  it('rejects a symbol that appears under different headers and removes the temporary directory', async () => {
    const dir = temp.make();
    writeFileSync(join(dir, 'a.csv'), 'symbol,date,open,high,low,close,volume\n600000.SH,2024-03-04,10,11,9,10,100\n');
    writeFileSync(join(dir, 'b.csv'), 'symbol,date,close,open,high,low,volume\n600000.SH,2024-03-05,10,10,11,9,100\n');
    const spillParent = temp.make();
    await expect(runBundleAnalysis(dir, createTestContext(), { workers: 0, tempDir: spillParent })).rejects.toSatisfy(
      (error) => isAppError(error, 'BUNDLE_INVALID') && /600000\.SH.*a\.csv, b\.csv/.test(error.message),
    );
    expect(readdirSync(spillParent)).toEqual([]);
  });

  it('removes the temporary directory when analysing the split symbols fails', async () => {
    const dir = temp.make();
    writeWideLongForm(dir, 20, 30);
    const spillParent = temp.make();
    let seenDuringRun: string[] = [];
    let splitFiles: string[] = [];
    const failing = runBundleAnalysis(dir, createTestContext(), {
      workers: 0,
      tempDir: spillParent,
      onSymbol: () => {
        seenDuringRun = readdirSync(spillParent);
        splitFiles = readdirSync(join(spillParent, seenDuringRun[0]!)).sort();
        throw new Error('store is gone');
      },
    });
    await expect(failing).rejects.toThrow('store is gone');
    expect(seenDuringRun).toHaveLength(1);
    // 20 symbols, and no file of their own each: their rows are parts of one file, their line numbers of another.
    expect(splitFiles).toEqual(['lines.bin', 'rows.csv']);
    expect(readdirSync(spillParent)).toEqual([]);
  });

  it('stops within a bounded number of lines when cancelled in the middle of one large file', async () => {
    const dir = temp.make();
    writeWideLongForm(dir, 1000, 400);
    const spillParent = temp.make();
    const controller = new AbortController();
    const ctx = createTestContext(controller.signal);
    let abortedAfterRows = -1;
    let seenDuringRun: string[] = [];
    const cancelling = {
      ...ctx,
      onProgress: (progress: StageProgress) => {
        ctx.onProgress(progress);
        const rows = /: (\d+) rows read/.exec(progress.message);
        if (rows && abortedAfterRows < 0) {
          abortedAfterRows = Number(rows[1]);
          seenDuringRun = readdirSync(spillParent);
          // Aborted from outside the reading loop, as a heartbeat would.
          setImmediate(() => controller.abort());
        }
      },
    };
    await expect(runBundleAnalysis(dir, cancelling, { workers: 0, tempDir: spillParent })).rejects.toSatisfy((error) =>
      isAppError(error, 'CANCELLED'),
    );
    expect(abortedAfterRows).toBeGreaterThan(0);
    const stop = ctx.logs.map((line) => /splitting daily\.csv, after line (\d+)/.exec(line)).find(Boolean);
    expect(stop).toBeDefined();
    const stoppedAtLine = Number(stop![1]);
    // 400,001 lines in the file; the split stops within about one read chunk (~1 MB ≈ 8k lines) of the abort.
    expect(stoppedAtLine).toBeGreaterThan(abortedAfterRows);
    expect(stoppedAtLine - abortedAfterRows).toBeLessThan(25_000);
    expect(ctx.progress.some((p) => p.unit === 'symbols')).toBe(false);
    expect(seenDuringRun).toHaveLength(1);
    expect(readdirSync(spillParent)).toEqual([]);
  }, 60_000);

  it('keeps heap and buffer memory flat for a long-form file four times larger', async () => {
    const gc = exposeGc();
    const measure = async (symbols: number): Promise<number> => {
      const dir = temp.make();
      writeWideLongForm(dir, symbols, 400);
      gc();
      const used = (): number => {
        const memory = process.memoryUsage();
        return memory.heapUsed + memory.arrayBuffers;
      };
      const base = used();
      let peak = base;
      // Live memory only: collect first, so garbage awaiting a lazy collection does not count as growth.
      const sample = (): void => {
        gc();
        peak = Math.max(peak, used());
      };
      const ctx = { ...createTestContext(), onProgress: sample };
      const summary = await analyzeBundleToSummary(dir, ctx, { workers: 0 });
      expect(summary.bundle.rows_written).toBe(symbols * 400);
      sample();
      return peak - base;
    };
    const small = await measure(300);
    const large = await measure(1200);
    // The files are ~14 MB and ~57 MB. Streaming keeps at most the spill buffer (16 MB) live, so both runs stay near
    // 20–35 MB; holding the large file while splitting it (file plus grouped copies) would be well over 100 MB.
    expect(large).toBeLessThan(2 * small + 32 * 1024 * 1024);
  }, 120_000);
});
