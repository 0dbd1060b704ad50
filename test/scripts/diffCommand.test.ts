import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTarGzWriter } from '../../scripts/bundleGenerator/createTarGzWriter';
import { generateBundlePair } from '../../scripts/bundleGenerator/generateBundlePair';
import type { BundleFileSink } from '../../scripts/bundleGenerator/generateSyntheticBundle';
import { createTempDirs } from '../analysis/analysisTestKit';
import { runCompiledCli } from './runCompiledCli';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const cli = (...args: string[]) => runCompiledCli(args);

const dirSink =
  (dir: string): BundleFileSink =>
  async (name, data) => {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), data);
  };

/** The counts of each symbol as the expectation books them (the report adds samples and ratios). */
function countsOf(symbols: { symbol: string; samples?: unknown; readjust_ratio?: unknown }[]): Record<string, unknown> {
  return Object.fromEntries(symbols.map(({ symbol, samples: _s, readjust_ratio: _r, ...rest }) => [symbol, rest]));
}

describe('market-data diff', () => {
  it('--json of two csv-daily directories gives the booked totals and symbols, restated first, with samples', async () => {
    const dir = temp.make('cli-diff-');
    // 80 symbols: enough for the diff to use its worker threads.
    const expected = await generateBundlePair(
      { symbols: 80, days: 50, extraDays: 4, seed: 3, format: 'csv-daily' },
      { old: dirSink(join(dir, 'old')), new: dirSink(join(dir, 'new')) },
    );
    const result = await cli('diff', join(dir, 'old'), join(dir, 'new'), '--json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      from: Record<string, unknown>;
      totals: unknown;
      symbols: { symbol: string; rows_restated: number; samples: unknown[] }[];
    };
    expect(report.from).toEqual({ path: join(dir, 'old'), format: 'csv-daily', layout: 'per-symbol' });
    expect(report.totals).toEqual(expected.totals);
    expect(countsOf(report.symbols)).toEqual(expected.symbols);
    const restated = report.symbols.filter((symbol) => symbol.rows_restated > 0);
    expect(report.symbols.slice(0, restated.length)).toEqual(restated);
    expect(restated.every((symbol) => symbol.samples.length > 0)).toBe(true);

    const text = await cli('diff', join(dir, 'old'), join(dir, 'new'));
    expect(text.code).toBe(0);
    const { totals } = expected;
    expect(text.stdout).toContain(
      `${totals.symbols_restated} symbols restated ${totals.rows_restated} rows; ${totals.symbols_readjusted} re-adjusted; ` +
        `${totals.symbols_added} symbols added; ${totals.symbols_removed} removed; ${totals.days_added} new days`,
    );
    expect(text.stdout).toMatch(
      /Re-adjusted symbols \(history rescaled by a new factor, not restated\): 2\n {2}\S+ +factor × 1\.25/,
    );
  });

  it('reads two qlib binary tar.gz archives in place', async () => {
    const dir = temp.make('cli-diff-');
    const writers = {
      old: createTarGzWriter(join(dir, 'old.tar.gz')),
      new: createTarGzWriter(join(dir, 'new.tar.gz')),
    };
    const expected = await generateBundlePair(
      { symbols: 20, days: 60, extraDays: 3, seed: 9, format: 'qlib-bin' },
      {
        old: (name, data) => writers.old.addFile(`qlib_bin/${name}`, data),
        new: (name, data) => writers.new.addFile(`qlib_bin/${name}`, data),
      },
    );
    await Promise.all([writers.old.close(), writers.new.close()]);
    const result = await cli('diff', join(dir, 'old.tar.gz'), join(dir, 'new.tar.gz'), '--json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { to: unknown; totals: unknown; symbols: { symbol: string }[] };
    expect(report.to).toMatchObject({ format: 'qlib-bin', layout: 'qlib' });
    expect(report.totals).toEqual(expected.totals);
    expect(countsOf(report.symbols)).toEqual(expected.symbols);
  });

  it('reads two CSV files, each a bundle of that one file', async () => {
    const dir = temp.make('cli-diff-');
    const header = 'ticker,date,open,high,low,close,volume';
    const rows = (close3: number) => [
      header,
      'AAPL,2024-01-02,10,10.5,9.5,10,1000',
      `AAPL,2024-01-03,10,10.5,9.5,${close3},1000`,
      'MSFT,2024-01-02,20,20.5,19.5,20,1000',
      'MSFT,2024-01-03,20,20.5,19.5,20.2,1000',
    ];
    await writeFile(join(dir, 'old.csv'), rows(10.1).join('\n') + '\n');
    // The new export restates AAPL's close of 2024-01-03 and adds a day to MSFT.
    await writeFile(join(dir, 'new.csv'), [...rows(10.2), 'MSFT,2024-01-04,20,20.5,19.5,20.3,1000'].join('\n') + '\n');
    const result = await cli('diff', join(dir, 'old.csv'), join(dir, 'new.csv'), '--json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { from: unknown; totals: unknown; symbols: unknown[] };
    expect(report.from).toEqual({ path: join(dir, 'old.csv'), format: 'csv-daily', layout: 'long' });
    expect(report.totals).toMatchObject({ symbols_compared: 2, symbols_restated: 1, rows_restated: 1, rows_added: 1 });
  });

  it('--fail-on restated and --fail-on changed give exit code 3 when the history changed that way', async () => {
    const dir = temp.make('cli-diff-');
    const header = 'ticker,date,open,high,low,close,volume';
    const base = [header, 'AAPL,2024-01-02,10,10.5,9.5,10,1000', 'MSFT,2024-01-02,20,20.5,19.5,20,1000'];
    const write = (name: string, lines: string[]) => writeFile(join(dir, name), lines.join('\n') + '\n');
    await write('old.csv', [...base, 'AAPL,2024-01-03,10,10.5,9.5,10.1,1000']);
    // Appended: a new day for both. Dropped: AAPL's 2024-01-03. Restated: AAPL's close of 2024-01-02.
    await write('appended.csv', [
      ...base,
      'AAPL,2024-01-03,10,10.5,9.5,10.1,1000',
      'MSFT,2024-01-03,20,20.5,19.5,20.2,1000',
    ]);
    await write('dropped.csv', base);
    await write('restated.csv', [
      header,
      'AAPL,2024-01-02,10,10.5,9.5,10.2,1000',
      ...base.slice(2),
      'AAPL,2024-01-03,10,10.5,9.5,10.1,1000',
    ]);
    const run = (next: string, level: string) => cli('diff', join(dir, 'old.csv'), join(dir, next), '--fail-on', level);
    for (const level of ['restated', 'changed']) expect((await run('appended.csv', level)).code).toBe(0);
    expect((await run('dropped.csv', 'restated')).code).toBe(0);
    const dropped = await run('dropped.csv', 'changed');
    expect(dropped.code).toBe(3);
    // AAPL's row was the day's only one: the day is gone too.
    expect(dropped.stderr).toContain(
      'market-data: the new bundle removes 1 row(s), 1 calendar day(s) (--fail-on changed).',
    );
    const restated = await run('restated.csv', 'restated');
    expect(restated.code).toBe(3);
    expect(restated.stdout).toContain('restated');
    expect(restated.stderr).toContain('the new bundle restates 1 row(s) of 1 symbol(s) (--fail-on restated)');
    expect((await run('restated.csv', 'always')).code).toBe(2);
  });

  it('says how to call it when a bundle is missing', async () => {
    const one = await cli('diff', '/nonexistent');
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/diff takes two bundle paths/);
    const missing = await cli('diff', '/nonexistent-old', '/nonexistent-new');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No such file or directory: \/nonexistent-old/);
  });
});
