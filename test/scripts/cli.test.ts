import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs } from '../analysis/analysisTestKit';
import type { Finding } from '../../src/analysis/toFinding';
import { runCompiledCli } from './runCompiledCli';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const cli = (...args: string[]) => runCompiledCli(args);

describe('cli make-bundle and analyze', () => {
  for (const seed of [101, 202, 303, 404, 505]) {
    it(`analyze --json of a default-preset zip equals its expected.json (seed ${seed})`, async () => {
      const dir = temp.make('cli-');
      const zip = join(dir, 'bundle.zip');
      // 80 symbols: enough for the analyzer to use its worker threads.
      const made = await cli('make-bundle', '--symbols', '80', '--days', '150', '--seed', String(seed), '--out', zip);
      expect(made.code).toBe(0);
      const expected = JSON.parse(readFileSync(join(dir, 'bundle.expected.json'), 'utf8'));
      const analyzed = await cli('analyze', zip, '--json');
      expect(analyzed.code).toBe(0);
      expect(JSON.parse(analyzed.stdout)).toEqual(expected);
      expect(expected.bundle.symbol_count).toBe(80);
    });
  }

  it('analyzes a bundle directory as well as an archive', async () => {
    const dir = temp.make('cli-');
    const expected = await writeSyntheticBundleDir(dir, { symbols: 12, days: 90, seed: 6 });
    const analyzed = await cli('analyze', dir, '--json');
    expect(analyzed.code).toBe(0);
    expect(JSON.parse(analyzed.stdout)).toEqual(expected);
  });

  it('prints a readable summary without --json', async () => {
    const dir = temp.make('cli-');
    const zip = join(dir, 'b.zip');
    expect(
      (await cli('make-bundle', '--symbols', '5', '--days', '60', '--seed', '1', '--out', zip, '--defects', 'none'))
        .code,
    ).toBe(0);
    const analyzed = await cli('analyze', zip);
    expect(analyzed.code).toBe(0);
    expect(analyzed.stdout).toMatch(/^Bundle: csv-daily, 5 symbols, 300 rows, .* calendar from the bundle\n/);
    expect(analyzed.stdout).toContain(
      'Rule sets: cn-a (A-share board limits) 5 symbols, generic (|return| > 50%) 0 symbols',
    );
    expect(analyzed.stdout).toMatch(/\n {2}declared_actions +0\n/);
    expect(analyzed.stdout).toContain('Symbols with findings: 0 of 5');
  });

  it('rejects usage mistakes with exit code 2 and no stack trace', async () => {
    const dir = temp.make('cli-');
    const cases = [
      ['make-bundle', '--symbols', 'ten', '--days', '10', '--seed', '1', '--out', join(dir, 'x.zip')],
      ['make-bundle', '--symbols', '3', '--days', '10', '--seed', '1'],
      [
        'make-bundle',
        '--symbols',
        '3',
        '--days',
        '10',
        '--seed',
        '1',
        '--out',
        join(dir, 'y.zip'),
        '--defects',
        'bogus',
      ],
      ['analyze', join(dir, 'missing.zip')],
      ['analyze', '--frobnicate'],
      ['transmogrify'],
    ];
    for (const args of cases) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: /);
      expect(result.stderr).toContain('Usage:');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(dir, 'x.zip'))).toBe(false);
  });

  it('reports chosen symbols (any spelling) with their metrics and sampled issues, and names one not in the bundle', async () => {
    const dir = temp.make('cli-');
    const expected = await writeSyntheticBundleDir(join(dir, 'b'), { symbols: 20, days: 200, seed: 5 });
    const breached = Object.entries(expected.symbols).find(([, metrics]) => (metrics.limit_breaches ?? 0) > 0);
    expect(breached).toBeDefined();
    const [symbol, metrics] = breached!;
    // The qlib-style spelling of the same code (300002.SZ as sz300002).
    const [code, exchange] = symbol.split('.') as [string, string];
    const spelled = `${exchange.toLowerCase()}${code}`;
    const json = await cli('analyze', join(dir, 'b'), '--symbol', spelled, '--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Record<string, { metrics: unknown; findings: Finding[]; status: string }>;
    expect(Object.keys(report)).toEqual([symbol]);
    expect(report[symbol]!.metrics).toEqual(metrics);
    expect(report[symbol]!.status).toBe('warn');
    const breaches = report[symbol]!.findings.filter((finding) => finding.check_code === 'LIMIT_BREACH');
    expect(breaches).toHaveLength(metrics.limit_breaches!);
    for (const finding of breaches) {
      expect(finding.trade_date! >= metrics.first_date! && finding.trade_date! <= metrics.last_date!).toBe(true);
      expect(finding.line_no).toBeGreaterThan(1);
      expect(finding.detail).toMatch(/limit/);
    }
    const text = await cli('analyze', join(dir, 'b'), '--symbol', symbol, '--symbol', 'NOPE');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${symbol}: warn`);
    expect(text.stdout).toMatch(
      new RegExp(`${breaches[0]!.trade_date}  line ${breaches[0]!.line_no} +warn +LIMIT_BREACH`),
    );
    expect(text.stderr).toContain('error: NOPE is not in the bundle (20 symbols).');
  });

  it('exits with code 3 under --fail-on when the bundle has findings of that level, after printing as usual', async () => {
    const dir = temp.make('cli-');
    const defective = join(dir, 'defective');
    const expected = await writeSyntheticBundleDir(defective, { symbols: 20, days: 120, seed: 8 });
    const clean = join(dir, 'clean');
    await writeSyntheticBundleDir(clean, { symbols: 6, days: 60, seed: 8, defects: 'none' });
    const failed = await cli('analyze', defective, '--json', '--fail-on', 'error');
    expect(failed.code).toBe(3);
    expect(JSON.parse(failed.stdout)).toEqual(expected);
    expect(failed.stderr).toMatch(/market-data: the bundle has \d+ symbol\(s\) with errors.*\(--fail-on error\)/);
    // Warnings only count at --fail-on warn.
    const warnOnly = await cli(
      'analyze',
      defective,
      '--symbol',
      Object.keys(expected.symbols)[0]!,
      '--fail-on',
      'warn',
    );
    expect(warnOnly.code).toBe(3);
    expect(warnOnly.stderr).toMatch(/symbol\(s\) with warnings/);
    for (const level of ['error', 'warn']) expect((await cli('analyze', clean, '--fail-on', level)).code).toBe(0);
    const bogus = await cli('analyze', clean, '--fail-on', 'sometimes');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('--fail-on takes error or warn (got "sometimes").');
  });

  it("prints a command's own usage for --help and -h, every command's for --help alone, and the version", async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const commands = ['analyze', 'diff', 'make-bundle', 'submit'];
    for (const command of commands) {
      for (const flag of ['--help', '-h']) {
        const result = await cli(command, flag);
        expect(result.code, `${command} ${flag}`).toBe(0);
        expect(result.stderr).toBe('');
        expect(result.stdout).toContain(`market-data ${command} `);
        for (const other of commands.filter((name) => name !== command)) {
          expect(result.stdout).not.toContain(`market-data ${other} `);
        }
      }
    }
    // A flag after `--` is an argument (here a path that does not exist), not a request for help.
    const literal = await cli('analyze', '--', '--help');
    expect(literal.code).toBe(2);
    expect(literal.stderr).toContain('No such file or directory: --help');
    const all = await cli('--help');
    expect(all.code).toBe(0);
    for (const command of commands) expect(all.stdout).toContain(`market-data ${command} `);
    expect(await cli('help', 'diff')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('market-data diff <old'),
    });
    const version = await cli('--version');
    expect(version).toMatchObject({ code: 0, stdout: `market-data ${pkg.version}\n` });
    // A mistake in calling one command shows that command's usage only.
    const mistake = await cli('diff', 'only-one');
    expect(mistake.code).toBe(2);
    expect(mistake.stderr).toContain('market-data diff <old');
    expect(mistake.stderr).not.toContain('market-data analyze <');
  });

  it('analyzes a qlib binary tar.gz in place and prints n/a for what the format cannot express', async () => {
    const dir = temp.make('cli-');
    const archive = join(dir, 'qlib_bin.tar.gz');
    const made = await cli(
      'make-bundle',
      '--symbols',
      '70',
      '--days',
      '120',
      '--seed',
      '8',
      '--format',
      'qlib-bin',
      '--out',
      archive,
    );
    expect(made.code).toBe(0);
    const expected = JSON.parse(readFileSync(join(dir, 'qlib_bin.expected.json'), 'utf8'));
    const analyzed = await cli('analyze', archive, '--json');
    expect(analyzed.code).toBe(0);
    expect(JSON.parse(analyzed.stdout)).toEqual(expected);
    expect(expected.format).toBe('qlib-bin');
    const text = await cli('analyze', archive);
    expect(text.stdout).toMatch(/^Bundle: qlib-bin, 70 symbols/);
    expect(text.stdout).toMatch(/\n {2}duplicate_rows +n\/a\n/);
  });

  it('analyzes csv-daily bundles without calendar.csv as zip and as tar.gz, warning that empty days cannot be seen', async () => {
    const dir = temp.make('cli-');
    for (const out of ['nocal.zip', 'nocal.tar.gz']) {
      const path = join(dir, out);
      const made = await cli(
        'make-bundle',
        '--symbols',
        '66',
        '--days',
        '90',
        '--seed',
        '3',
        '--no-calendar',
        '--out',
        path,
      );
      expect(made.code).toBe(0);
      const expected = JSON.parse(readFileSync(join(dir, 'nocal.expected.json'), 'utf8'));
      const analyzed = await cli('analyze', path, '--json');
      expect(analyzed.code, out).toBe(0);
      expect(JSON.parse(analyzed.stdout)).toEqual(expected);
      expect(expected.calendar_source).toBe('derived');
      expect(analyzed.stderr).toMatch(/no calendar\.csv; .*empty days cannot be seen/);
    }
  });

  it('fails on an unknown layout with exit code 1, naming what it found and what it expected', async () => {
    const dir = temp.make('cli-');
    writeFileSync(join(dir, 'stocks.h5'), 'x');
    writeFileSync(join(dir, 'trading_dates.npy'), 'x');
    const result = await cli('analyze', dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: Unsupported bundle: found an rqalpha bundle .* expected csv-daily .* or qlib binary .*\(BUNDLE_INVALID\)\n$/,
    );
  });

  it('analyzes a CSV file on its own as a bundle of that one file: a long-form table, and one symbol gzipped', async () => {
    const dir = temp.make('cli-');
    const long = join(dir, 'long');
    const single = join(dir, 'single');
    mkdirSync(long);
    mkdirSync(single);
    // A long-form table (Quandl's WIKI export has this shape): a ticker column, rows by symbol then date.
    const rows = ['ticker,date,open,high,low,close,volume'];
    for (const [ticker, base] of [
      ['AAPL', 100],
      ['MSFT', 50],
    ] as const) {
      for (let day = 2; day <= 6; day++) {
        // A close of 3x the day before on the 4th: a breach of the generic rule, so the analysis has a finding.
        const close = day === 4 ? base * 3 : base + day;
        rows.push(`${ticker},2024-01-0${day},${close},${close + 1},${close - 1},${close},${1000 * day}`);
      }
    }
    writeFileSync(join(long, 'prices.csv'), rows.join('\n') + '\n');
    const fromFile = await cli('analyze', join(long, 'prices.csv'), '--json');
    expect(fromFile.code).toBe(0);
    const fromDir = await cli('analyze', long, '--json');
    expect(JSON.parse(fromFile.stdout)).toEqual(JSON.parse(fromDir.stdout));
    expect(JSON.parse(fromFile.stdout).bundle).toMatchObject({ symbol_count: 2, rows_written: 10, limit_breaches: 4 });

    const oneSymbol = ['date,open,high,low,close,volume', ...rows.slice(1, 6).map((row) => row.slice('AAPL,'.length))];
    writeFileSync(join(single, '600000.SH.csv.gz'), gzipSync(oneSymbol.join('\n') + '\n'));
    const gzipped = await cli('analyze', join(single, '600000.SH.csv.gz'), '--json');
    expect(gzipped.code).toBe(0);
    expect(JSON.parse(gzipped.stdout)).toEqual(JSON.parse((await cli('analyze', single, '--json')).stdout));
    expect(JSON.parse(gzipped.stdout).symbols['600000.SH']).toMatchObject({ rows_written: 5, rule_set: 'cn-a' });

    // A zip saved under a .csv name (an export link may promise a CSV and serve a zip of it) is read as the zip.
    const zip = join(dir, 'bundle.zip');
    expect((await cli('make-bundle', '--symbols', '3', '--days', '20', '--seed', '2', '--out', zip)).code).toBe(0);
    copyFileSync(zip, join(dir, 'prices-export.csv'));
    const renamed = await cli('analyze', join(dir, 'prices-export.csv'), '--json');
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(JSON.parse(renamed.stdout)).toEqual(JSON.parse(readFileSync(join(dir, 'bundle.expected.json'), 'utf8')));
  });

  it('reports a file that is not an archive as an error with exit code 1', async () => {
    const dir = temp.make('cli-');
    const bogus = join(dir, 'not-a-bundle.zip');
    writeFileSync(bogus, 'plain text, not a zip');
    const result = await cli('analyze', bogus);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*\(UNSUPPORTED_ARCHIVE\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
