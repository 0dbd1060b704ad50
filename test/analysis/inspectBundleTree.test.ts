import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createLineTally } from '../../src/analysis/createLineTally';
import { inspectBundleTree } from '../../src/analysis/inspectBundleTree';
import { extractArchive } from '../../src/stages/unzip/extractArchive';
import { createTempDirs, createTestContext } from './analysisTestKit';
import { CODE_ONLY, qlibBin, qlibFiles, syntheticFiles, writeTree, writeZip, type TreeFiles } from './bundleTrees';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const HEADER = 'date,open,high,low,close,volume';
const rowsFrom = (first: number, count: number) =>
  Array.from({ length: count }, (_, i) => `2024-01-${String(first + i).padStart(2, '0')},10,11,9,10.5,1000`);

async function inspect(files: TreeFiles) {
  const ctx = createTestContext();
  const stats = await inspectBundleTree(await writeTree(temp.make(), files), { signal: ctx.signal, log: ctx.log });
  return { stats, logs: ctx.logs };
}

async function refusal(files: TreeFiles): Promise<string> {
  const error = await inspect(files).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code: 'BUNDLE_INVALID' });
  return (error as Error).message;
}

describe('inspectBundleTree refuses trees that are not bundles with data, naming what it found', () => {
  it('an archive with only code files', async () => {
    const message = await refusal(CODE_ONLY);
    expect(message).toMatch(/found README\.md, scripts\/ \(2 entries\)/);
    expect(message).toMatch(/expected daily\/<SYMBOL>\.csv/);
    expect(message).toMatch(/qlib binary tree/);
  });

  it('an empty daily/ directory', async () => {
    const dir = temp.make();
    await mkdir(join(dir, 'daily'));
    await writeTree(dir, { 'calendar.csv': 'date\n2024-01-02\n' });
    const error = await inspectBundleTree(dir, { signal: new AbortController().signal, log: () => undefined }).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'BUNDLE_INVALID' });
    expect((error as Error).message).toMatch(/found calendar\.csv, daily\/ \(empty\)/);
  });

  it('CSV files without a header row', async () => {
    const message = await refusal({
      'daily/600000.SH.csv': `${rowsFrom(2, 5).join('\n')}\n`,
      'daily/600001.SH.csv': `${rowsFrom(2, 5).join('\n')}\n`,
    });
    expect(message).toMatch(/2 of 2 sampled files fail/);
    expect(message).toMatch(/daily\/600000\.SH\.csv: no header row \(the first line is data\)/);
    expect(message).toMatch(/expected a header naming date, open, high, low, close, volume/);
  });

  it('a header that lacks required columns, and rows whose date does not parse', async () => {
    expect(await refusal({ 'daily/A.csv': 'date,close\n2024-01-02,1\n' })).toMatch(
      /the header lacks open, high, low, volume/,
    );
    expect(await refusal({ 'daily/A.csv': `${HEADER}\nyesterday,1,1,1,1,1\n` })).toMatch(
      /line 2 \("yesterday,1,1,1,1,1"\) has no valid date/,
    );
  });

  it('a calendar.csv without trading days, which would fail every analysis', async () => {
    const files = { 'daily/A.csv': `${HEADER}\n${rowsFrom(2, 3).join('\n')}\n`, 'calendar.csv': 'date\n' };
    expect(await refusal(files)).toMatch(/calendar\.csv holds no trading days/);
  });

  it('files with a header and no rows', async () => {
    expect(await refusal({ 'daily/A.csv': `${HEADER}\n`, 'daily/B.csv': `${HEADER}\n` })).toMatch(
      /hold a header but no rows/,
    );
  });

  it('a qlib binary tree whose features are empty', async () => {
    const files = qlibFiles(20, {});
    expect(await refusal({ ...files, 'features/.keep': '' })).toMatch(/features\/ holds no symbol folders/);
    const emptyBins = {
      ...files,
      'features/sh600000/close.day.bin': Buffer.alloc(0),
      'features/sz000001/close.day.bin': qlibBin(0, []),
    };
    const message = await refusal(emptyBins);
    expect(message).toMatch(/0 of 2 symbol folders in features\/ hold usable data: 2 empty/);
    expect(message).toMatch(/expected features\/<symbol>\/<field>\.day\.bin/);
  });

  it('a qlib tree whose start indexes fall outside its calendar, or whose calendar does not parse', async () => {
    const outside = { ...qlibFiles(10, {}), 'features/sh600000/close.day.bin': qlibBin(8, [1, 2, 3, 4]) };
    expect(await refusal(outside)).toMatch(/1 with a start index or length outside the 10-day calendar/);
    const badCalendar = { ...qlibFiles(5, { sh600000: { start: 0, values: 5 } }), 'calendars/day.txt': 'x\n' };
    expect(await refusal(badCalendar)).toMatch(/calendars\/day\.txt line 1 \("x"\) is not a date/);
  });
});

describe('inspectBundleTree measures the bundles it accepts', () => {
  it('csv-daily per symbol: symbols with rows, data rows and the newest date', async () => {
    const { stats } = await inspect({
      'data/daily/600000.SH.csv': `${HEADER}\n${rowsFrom(2, 5).join('\n')}\n`,
      'data/daily/600001.SH.csv': `\uFEFF${HEADER}\r\n${rowsFrom(2, 8).join('\r\n')}\r\n\r\n`,
      'data/daily/600002.SH.csv.gz': gzipSync(`${HEADER}\n${rowsFrom(3, 3).join('\n')}`),
      'data/daily/600003.SH.csv': `${HEADER}\n`,
      'data/calendar.csv': 'date\n2024-01-02\n',
    });
    expect(stats).toEqual({ layout: 'csv-daily', symbols: 3, rows: 16, lastDate: '2024-01-09' });
  });

  it('reads a header as the analysis does: after a byte-order mark and blank lines, unit notes in its names', async () => {
    // The sample check used to take the first line as the header, and refused what the analysis reads.
    const { stats, logs } = await inspect({
      'daily/600000.SH.csv': `\uFEFF\n\r\n${HEADER}\n${rowsFrom(2, 3).join('\n')}\n`,
      'daily/600001.SH.csv': `日期,开盘价(元),最高价(元),最低价(元),收盘价(元),成交量(股)\n${rowsFrom(2, 2).join('\n')}\n`,
    });
    expect(stats).toMatchObject({ layout: 'csv-daily', symbols: 2, lastDate: '2024-01-04' });
    expect(logs.filter((line) => line.startsWith('WARNING'))).toEqual([]);
  });

  it('counts the same from what the extraction saw as from the files on disk', async () => {
    const files = await syntheticFiles(12, 60);
    const archive = await writeZip(join(temp.make(), 'bundle.zip'), files);
    const dir = temp.make();
    const tally = createLineTally();
    const ctx = createTestContext();
    await extractArchive(archive, dir, undefined, ctx, tally.observe);
    const fromTally = await inspectBundleTree(dir, { signal: ctx.signal, log: ctx.log, tally });
    const fromDisk = await inspectBundleTree(dir, { signal: ctx.signal, log: ctx.log });
    expect(fromTally).toEqual(fromDisk);
    const rows = Object.entries(files)
      .filter(([name]) => name.startsWith('daily/'))
      .reduce((sum, [, data]) => sum + String(data).trimEnd().split('\n').length - 1, 0);
    expect(fromTally).toMatchObject({ layout: 'csv-daily', symbols: 12, rows });
  });

  it('long form: distinct symbols, rows and the newest date over every row', async () => {
    const long = (symbols: string[], days: number) =>
      symbols.flatMap((symbol) => rowsFrom(2, days).map((row) => `${symbol},${row}`));
    const { stats } = await inspect({
      'prices_a.csv': `ts_code,trade_date,open,high,low,close,vol\n${long(['600000.SH', '600001.SH'], 4).join('\n')}\n`,
      'prices_b.csv.gz': gzipSync(`ts_code,trade_date,open,high,low,close,vol\n${long(['000001.SZ'], 6).join('\n')}\n`),
    });
    expect(stats).toEqual({ layout: 'csv-long', symbols: 3, rows: 14, lastDate: '2024-01-07' });
  });

  it('finds the one folder that holds the bundle beside a README, a LICENSE and a change log', async () => {
    const docs = { 'README.md': '# data\n', LICENSE: 'MIT\n', 'CHANGELOG.txt': '2024-01-09: new days\n' };
    const { stats } = await inspect({
      ...docs,
      'release/daily/600000.SH.csv': `${HEADER}\n${rowsFrom(2, 5).join('\n')}\n`,
      'release/daily/600001.SH.csv': `${HEADER}\n${rowsFrom(2, 8).join('\n')}\n`,
    });
    expect(stats).toEqual({ layout: 'csv-daily', symbols: 2, rows: 13, lastDate: '2024-01-09' });
    const qlib = qlibFiles(30, { sh600000: { start: 0, values: 30 } });
    expect((await inspect({ ...docs, ...prefix('out/qlib_bin/', qlib) })).stats).toMatchObject({
      layout: 'qlib-bin',
      symbols: 1,
    });
    // Beside anything else, or when the folder holds no bundle, the top level is what is reported.
    const besideCode = await refusal({ ...docs, 'dump.py': 'print(1)\n', ...prefix('release/', qlib) });
    expect(besideCode).toMatch(/found CHANGELOG\.txt, LICENSE, README\.md, dump\.py, release\/ \(3 entries\)/);
  });

  it('qlib binary: symbols with values, values of the close field, and the calendar day of the last value', async () => {
    const files = qlibFiles(30, {
      sh600000: { start: 0, values: 30 },
      sz000001: { start: 10, values: 15 },
      bj830000: { start: 0, values: 0 },
    });
    const { stats } = await inspect(prefix('qlib_bin/', files));
    expect(stats).toEqual({ layout: 'qlib-bin', symbols: 2, rows: 45, lastDate: '2024-02-12' });
  });
});

function prefix(path: string, files: TreeFiles): TreeFiles {
  return Object.fromEntries(Object.entries(files).map(([name, data]) => [`${path}${name}`, data]));
}
