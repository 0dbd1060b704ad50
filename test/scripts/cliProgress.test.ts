import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDirs } from '../analysis/analysisTestKit';
import { runCompiledCli } from './runCompiledCli';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const CLI = join(__dirname, '..', '..', 'dist', 'scripts', 'cli.js');
const run = promisify(execFile);
const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the compiled CLI with a pseudo-terminal for its stdout and stderr (util-linux `script`), as a person at a
 * terminal sees it; returns everything the terminal received.
 */
async function onTerminal(args: readonly string[], columns?: number): Promise<string> {
  const cli = [process.execPath, CLI, ...args].map(quote).join(' ');
  const command = columns === undefined ? cli : `stty cols ${columns} && ${cli}`;
  const { stdout } = await run('script', ['-qefc', command, '/dev/null'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** A long-form bundle (one CSV, a symbol column) of `symbols` × `days` plain rows. */
function writeLongForm(dir: string, symbols: number, days: number, name = 'prices.csv'): void {
  const lines = ['symbol,date,open,high,low,close,volume'];
  const day = new Date(Date.UTC(2012, 0, 2));
  for (let d = 0; d < days; d++) {
    while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
    const date = day.toISOString().slice(0, 10);
    for (let s = 0; s < symbols; s++) lines.push(`${600000 + s}.SH,${date},10,10.5,9.5,10,1000`);
    day.setUTCDate(day.getUTCDate() + 1);
  }
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
}

describe('the command line on a terminal', () => {
  it('shows each stage of the work on one rewritten line, and clears it before the summary', async () => {
    const dir = temp.make('cli-progress-');
    writeLongForm(dir, 60, 2000);
    const output = await onTerminal(['analyze', dir]);
    // Each message returns to the line's start and erases it (CR, then ESC [K): first the split of the long-form file
    // by symbol (rows), then the symbols; the last erase leaves the line clean for the summary.
    const lines = output.split('\r\x1b[K');
    expect(lines).toContain('analysing: Splitting prices.csv: 100000 rows read');
    expect(lines.some((line) => /^analysing: \d+ of 60 symbols$/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Bundle: csv-daily, 60 symbols, 120000 rows/);
  });

  it('keeps each message within a narrow terminal, so the line never wraps', async () => {
    const dir = temp.make('cli-progress-');
    writeLongForm(dir, 60, 2000, 'daily-prices-of-every-listed-a-share-stock.csv');
    const output = await onTerminal(['analyze', dir], 40);
    const lines = output.split('\r\x1b[K').slice(1, -1);
    expect(lines).toContain('analysing: Splitting daily-prices-of-e…');
    expect(lines.every((line) => line.length < 40)).toBe(true);
  });

  it('puts a warning on a line of its own and shows the progress again below it', async () => {
    const dir = temp.make('cli-progress-');
    mkdirSync(join(dir, 'daily'));
    const rows = Array.from({ length: 40 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')},10,11,9.5,10.5,100`);
    for (let s = 0; s < 70; s++) {
      writeFileSync(
        join(dir, 'daily', `${600000 + s}.SH.csv`),
        `date,open,high,low,close,volume\n${rows.join('\n')}\n`,
      );
    }
    // 日期,开盘,最高,最低,收盘,成交量 in GB18030, as a GBK export from Chinese Windows writes it: not valid UTF-8.
    const header = Buffer.from('c8d5c6da2cbfaac5cc2cd7eeb8df2cd7eeb5cd2ccad5c5cc2cb3c9bdbbc1bf0a', 'hex');
    writeFileSync(join(dir, 'daily', '000001.SZ.csv'), Buffer.concat([header, Buffer.from(`${rows.join('\n')}\n`)]));
    const output = await onTerminal(['analyze', dir]);
    // The terminal turns each newline into CR LF.
    const warning = 'warning: 000001.SZ: not valid UTF-8; decoded as GB18030.\r\n';
    const lines = output.split('\r\x1b[K');
    expect(lines.filter((line) => line.includes('GB18030'))).toEqual([
      expect.stringMatching(new RegExp(`^${warning.replace(/\./g, '\\.')}analysing: \\d+ of 71 symbols$`)),
    ]);
  });

  it('writes no progress when its output goes to a pipe', async () => {
    const dir = temp.make('cli-progress-');
    writeLongForm(dir, 60, 2000);
    const result = await runCompiledCli(['analyze', dir]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('analysing');
    expect(result.stdout).toMatch(/^Bundle: csv-daily, 60 symbols, 120000 rows/);
  });
});
