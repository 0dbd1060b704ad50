import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { createMemberSpill } from '../../src/analysis/archive/createMemberSpill';
import { openTarGzBundle } from '../../src/analysis/archive/openTarGzBundle';
import { runBundleAnalysis, type BundleInput } from '../../src/analysis/runBundleAnalysis';
import { isAppError } from '../../src/errors';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs, createTestContext } from './analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

/** The total of a streamed input (null while the archive was still being read when it was handed over). */
function totalOf(input: BundleInput | null): number | null | undefined {
  return typeof input === 'object' && input !== null && 'jobs' in input ? input.total : undefined;
}

/** A qlib bundle of 80 symbols × 40 days, and the names of its symbol directories in order. */
async function qlibBundle(dir: string) {
  const expected = await writeSyntheticBundleDir(dir, { symbols: 80, days: 40, seed: 9, format: 'qlib-bin' });
  return { expected, symbols: readdirSync(join(dir, 'features')).sort() };
}

/** That bundle as a tar.gz with its calendar last but the instruments (560 feature files before it). */
async function lateCalendarArchive(dir: string) {
  const { expected } = await qlibBundle(join(dir, 'b'));
  const tarPath = join(dir, 'late-calendar.tar.gz');
  execFileSync('tar', ['-czf', tarPath, '-C', join(dir, 'b'), 'features', 'instruments', 'calendars']);
  return { expected, tarPath };
}

describe('a tar.gz whose layout shows after its data', () => {
  it('sets the data aside in a temporary file and analyses it from there, not in a second pass', async () => {
    const dir = temp.make();
    const { expected, tarPath } = await lateCalendarArchive(dir);
    const spillDir = temp.make();
    const ctx = createTestContext();
    const input = await openTarGzBundle(tarPath, ctx, { budgetBytes: 4096, spillDir });
    // Taken up when the calendar came, the archive's last member but the instruments.
    expect(totalOf(input)).toBeNull();
    expect(ctx.progress.map((p) => p.message)).toEqual([
      '500 files read; the data waits in a temporary file until the layout is known',
    ]);
    expect(readdirSync(spillDir)).toHaveLength(1);
    expect(await analyzeBundleToSummary(input!, createTestContext(), { workers: 0 })).toEqual(expected);
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it('reports the files read while the layout is not known, before the memory budget is spent', async () => {
    const dir = temp.make();
    const { expected, tarPath } = await lateCalendarArchive(dir);
    const ctx = createTestContext();
    // The feature files are small: all held in memory until the calendar comes.
    const input = await openTarGzBundle(tarPath, ctx, { spillDir: temp.make() });
    expect(ctx.progress).toEqual([
      { done: 500, total: null, unit: 'files', message: '500 files read; the layout is not known yet' },
    ]);
    expect(await analyzeBundleToSummary(input!, createTestContext(), { workers: 0 })).toEqual(expected);
  });

  it('takes the layout up as soon as it shows: what came before from the file, the rest from the stream', async () => {
    const dir = temp.make();
    const { expected, symbols } = await qlibBundle(join(dir, 'b'));
    const tarPath = join(dir, 'middle-calendar.tar.gz');
    const features = symbols.map((symbol) => `features/${symbol}`);
    execFileSync('tar', [
      '-czf',
      tarPath,
      '-C',
      join(dir, 'b'),
      ...features.slice(0, 40),
      'calendars',
      ...features.slice(40),
      'instruments',
    ]);
    const spillDir = temp.make();
    const input = await openTarGzBundle(tarPath, createTestContext(), { budgetBytes: 4096, spillDir });
    // Handed over while the archive was still being read: how many symbols follow is not known yet.
    expect(totalOf(input)).toBeNull();
    expect(await analyzeBundleToSummary(input!, createTestContext(), { workers: 1 })).toEqual(expected);
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it('reads a csv-daily tar.gz without side files once, with the same results as its directory', async () => {
    const dir = temp.make();
    const bundle = join(dir, 'b');
    await writeSyntheticBundleDir(bundle, { symbols: 30, days: 60, seed: 4 });
    for (const side of ['calendar.csv', 'instruments.csv', 'manifest.json']) rmSync(join(bundle, side));
    const tarPath = join(dir, 'daily-only.tar.gz');
    execFileSync('tar', ['-czf', tarPath, '-C', bundle, '.']);
    const spillDir = temp.make();
    const input = await openTarGzBundle(tarPath, createTestContext(), { budgetBytes: 4096, spillDir });
    expect(totalOf(input)).toBe(30);
    const fromDirectory = await analyzeBundleToSummary(bundle, createTestContext(), { workers: 0 });
    expect(await analyzeBundleToSummary(input!, createTestContext(), { workers: 0 })).toEqual(fromDirectory);
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it('reads the archive a second time when the temporary directory cannot be used', async () => {
    const dir = temp.make();
    const { expected, tarPath } = await lateCalendarArchive(dir);
    const ctx = createTestContext();
    const input = await openTarGzBundle(tarPath, ctx, { budgetBytes: 4096, spillDir: join(dir, 'missing') });
    expect(ctx.progress.map((p) => p.message)).toEqual(['500 files listed; the data is read in a second pass']);
    expect(await analyzeBundleToSummary(input!, createTestContext(), { workers: 0 })).toEqual(expected);
  });

  it('stops reading the set-aside data when cancelled, and removes it', async () => {
    const { tarPath } = await lateCalendarArchive(temp.make());
    const spillDir = temp.make();
    const input = await openTarGzBundle(tarPath, createTestContext(), { budgetBytes: 4096, spillDir });
    const controller = new AbortController();
    const ctx = { ...createTestContext(controller.signal), onProgress: () => controller.abort() };
    const failure = await analyzeBundleToSummary(input!, ctx, { workers: 0 }).catch((error: unknown) => error);
    expect(isAppError(failure) && failure.code).toBe('CANCELLED');
    expect(readdirSync(spillDir)).toEqual([]);
  });
});

/**
 * A bundle of per-symbol CSV files directly in its folder (no daily/, no side files; one of them gzipped), as a
 * folder of ticker downloads is, in `dir`/csvdir, and the same as a tar.gz with that folder at its top.
 */
async function rootCsvArchive(dir: string) {
  const source = join(dir, 'source');
  await writeSyntheticBundleDir(source, { symbols: 30, days: 60, seed: 6 });
  const bundle = join(dir, 'csvdir');
  mkdirSync(bundle);
  for (const name of readdirSync(join(source, 'daily'))) renameSync(join(source, 'daily', name), join(bundle, name));
  const [first] = readdirSync(bundle).sort();
  writeFileSync(join(bundle, `${first!}.gz`), gzipSync(readFileSync(join(bundle, first!))));
  rmSync(join(bundle, first!));
  const tarPath = join(dir, 'csvdir.tar.gz');
  execFileSync('tar', ['-czf', tarPath, '-C', dir, 'csvdir']);
  return { bundle, tarPath };
}

describe('qlib fields whose values nothing reads (vwap, adjclose, change)', () => {
  it('are checked for their shape alike from a directory, a streamed tar.gz and one set aside, carried as heads', async () => {
    const dir = temp.make();
    const bundle = join(dir, 'b');
    await qlibBundle(bundle);
    const features = readdirSync(join(bundle, 'features')).sort();
    for (const [i, symbol] of features.entries()) {
      const close = readFileSync(join(bundle, 'features', symbol, 'close.day.bin'));
      writeFileSync(join(bundle, 'features', symbol, 'adjclose.day.bin'), close);
      // One symbol's vwap covers a day less than its close, another's is not whole float32 values, another's starts
      // past the calendar's end.
      const vwap =
        i === 3
          ? close.subarray(0, close.length - 4)
          : i === 5
            ? close.subarray(0, 7)
            : i === 7
              ? badStart(close)
              : close;
      writeFileSync(join(bundle, 'features', symbol, 'vwap.day.bin'), vwap);
    }
    const calendarFirst = join(dir, 'calendar-first.tar.gz');
    execFileSync('tar', ['-czf', calendarFirst, '-C', bundle, 'calendars', 'instruments', 'features']);
    const featuresFirst = join(dir, 'features-first.tar.gz');
    execFileSync('tar', ['-czf', featuresFirst, '-C', bundle, 'features', 'instruments', 'calendars']);
    const fromDirectory = await analyseWithIssues(bundle);
    const mismatches = [...fromDirectory.issues.values()].flat().filter((detail) => /^vwap\.day\.bin/.test(detail));
    expect(mismatches).toEqual([
      'vwap.day.bin covers other days than close.day.bin',
      'vwap.day.bin: 7 bytes is not a whole number of float32 values',
      expect.stringMatching(/^vwap\.day\.bin: it starts at calendar index 4000, past the calendar's/),
    ]);
    for (const tarPath of [calendarFirst, featuresFirst]) {
      const input = await openTarGzBundle(tarPath, createTestContext(), { budgetBytes: 4096, spillDir: temp.make() });
      expect(await analyseWithIssues(input!)).toEqual(fromDirectory);
    }
  });
});

/** A copy of a field file whose start index is past any calendar. */
function badStart(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeFloatLE(4000, 0);
  return copy;
}

/** The summary of a bundle, and each symbol's sampled issue details. */
async function analyseWithIssues(bundle: BundleInput) {
  const issues = new Map<string, string[]>();
  const analysis = await runBundleAnalysis(bundle, createTestContext(), {
    workers: 0,
    onSymbol: (result) =>
      issues.set(
        result.symbol,
        result.issues.map((issue) => issue.detail),
      ),
  });
  return { totals: analysis.totals, symbols: analysis.symbols, issues };
}

describe('a tar.gz of CSV files at its root, past the memory budget', () => {
  it('analyses per-symbol files as their directory does, from the set-aside file or a second pass', async () => {
    const dir = temp.make();
    const { bundle, tarPath } = await rootCsvArchive(dir);
    const fromDirectory = await analyzeBundleToSummary(bundle, createTestContext(), { workers: 0 });
    expect(Object.keys(fromDirectory.symbols)).toHaveLength(30);
    const spillDir = temp.make();
    const input = await openTarGzBundle(tarPath, createTestContext(), { budgetBytes: 4096, spillDir });
    expect(totalOf(input)).toBe(30);
    expect(await analyzeBundleToSummary(input!, createTestContext(), { workers: 0 })).toEqual(fromDirectory);
    expect(readdirSync(spillDir)).toEqual([]);
    const again = await openTarGzBundle(tarPath, createTestContext(), { budgetBytes: 4096, spillDir: join(dir, 'no') });
    expect(await analyzeBundleToSummary(again!, createTestContext(), { workers: 0 })).toEqual(fromDirectory);
  });

  it('hands a long-form file back to be extracted instead of refusing the layout', async () => {
    const dir = temp.make();
    const { bundle } = await rootCsvArchive(dir);
    // The same rows in one file with a symbol column, in a folder of its own.
    const long = join(dir, 'long');
    mkdirSync(long);
    const rows = ['symbol,date,open,high,low,close,volume,amount,adj_factor'];
    for (const name of readdirSync(bundle).filter((file) => file.endsWith('.csv'))) {
      const lines = readFileSync(join(bundle, name), 'utf8').trim().split('\n').slice(1);
      rows.push(...lines.map((line) => `${name.replace(/\.csv$/, '')},${line}`));
    }
    writeFileSync(join(long, 'prices.csv'), `${rows.join('\n')}\n`);
    const tarPath = join(dir, 'long.tar.gz');
    execFileSync('tar', ['-czf', tarPath, '-C', dir, 'long']);
    const spillDir = temp.make();
    expect(await openTarGzBundle(tarPath, createTestContext(), { budgetBytes: 4096, spillDir })).toBeNull();
    expect(readdirSync(spillDir)).toEqual([]);
    // Within the budget it is held whole, and analysed as the directory is.
    const tree = await openTarGzBundle(tarPath, createTestContext(), { spillDir });
    const fromDirectory = await analyzeBundleToSummary(long, createTestContext(), { workers: 0 });
    expect(await analyzeBundleToSummary(tree!, createTestContext(), { workers: 0 })).toEqual(fromDirectory);
  });
});

describe('a tar.gz opened for a caller that needs a tree', () => {
  it('holds a bundle that fits whole, even with its calendar first, and gives up on one that does not', async () => {
    const dir = temp.make();
    const { expected } = await qlibBundle(join(dir, 'b'));
    const tarPath = join(dir, 'calendar-first.tar.gz');
    execFileSync('tar', ['-czf', tarPath, '-C', join(dir, 'b'), 'calendars', 'features', 'instruments']);
    const tree = await openTarGzBundle(tarPath, createTestContext(), { treeOnly: true });
    expect(typeof tree === 'object' && tree !== null && 'list' in tree).toBe(true);
    expect(await analyzeBundleToSummary(tree!, createTestContext(), { workers: 0 })).toEqual(expected);
    const ctx = createTestContext();
    expect(await openTarGzBundle(tarPath, ctx, { treeOnly: true, budgetBytes: 4096 })).toBeNull();
    expect(ctx.progress).toEqual([]);
  });
});

describe('createMemberSpill', () => {
  it('gives back the members in order, whole, across write and read blocks, and only those wanted', async () => {
    const dir = temp.make();
    const spill = createMemberSpill(dir);
    // Small members that share blocks, and members larger than a write block (8 MiB) and a read block (1 MiB); enough
    // full blocks that some are written on the thread pool and some, past the writes allowed at once, right away.
    const sizes = [10, 4_000, 3 * 2 ** 20, 17, 9 * 2 ** 20 + 5, 1, 700_000, 700_000, 0, 2 ** 20];
    for (let i = 0; i < 12; i++) sizes.push(5 * 2 ** 20 + i);
    const members = sizes.map((size, i) => [`m${i}`, randomBytes(size)] as const);
    for (const [path, bytes] of members) expect(spill.add(path, bytes)).toBe(true);
    // A member kept as its head only comes back with the length it had.
    expect(spill.add('head', Buffer.from([1, 2, 3, 4]), 40_004)).toBe(true);
    expect(() => [
      ...spill.members(
        () => true,
        () => undefined,
      ),
    ]).toThrow(/settled/);
    await spill.settle();
    expect(spill.ok).toBe(true);
    const wanted = (path: string): boolean => path !== 'm3';
    const back = [...spill.members(wanted, () => undefined)];
    expect(back.map(([path]) => path)).toEqual([...members.map(([path]) => path).filter(wanted), 'head']);
    for (const [path, bytes, byteLength] of back.slice(0, -1)) {
      const added = members.find(([p]) => p === path)![1];
      expect(bytes.equals(added)).toBe(true);
      expect(byteLength).toBe(added.length);
    }
    expect(back.at(-1)).toEqual(['head', Buffer.from([1, 2, 3, 4]), 40_004]);
    expect(readdirSync(dir)).toEqual([]);
    expect(spill.ok).toBe(false);
  });

  it('removes its file once the writes under way are done when discarded before they end', async () => {
    const dir = temp.make();
    const spill = createMemberSpill(dir);
    for (let i = 0; i < 6; i++) spill.add(`m${i}`, randomBytes(8 * 2 ** 20));
    spill.discard();
    expect(spill.ok).toBe(false);
    await spill.settle();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gives up, removing its file, when the directory cannot be used', () => {
    const dir = temp.make();
    const spill = createMemberSpill(join(dir, 'missing'));
    expect(spill.ok).toBe(false);
    expect(spill.add('a', Buffer.from('x'))).toBe(false);
    expect([
      ...spill.members(
        () => true,
        () => undefined,
      ),
    ]).toEqual([]);
  });
});
