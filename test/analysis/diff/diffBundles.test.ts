import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBundlePair, type ExpectedDiff } from '../../../scripts/bundleGenerator/generateBundlePair';
import type { BundleFileSink } from '../../../scripts/bundleGenerator/generateSyntheticBundle';
import { openZipTree } from '../../../src/analysis/archive/openZipTree';
import { diffBundles, type BundleDiff } from '../../../src/analysis/diff/diffBundles';
import type { BundleFormat } from '../../../src/analysis/metricNames';
import type { StageContext } from '../../../src/stages/stageContext';
import { writeZip } from '../bundleTrees';

const ctx = (): StageContext => ({
  signal: new AbortController().signal,
  onProgress: () => undefined,
  log: () => undefined,
});

function dirSink(dir: string): BundleFileSink {
  return async (name, data) => {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), data);
  };
}

/** Each changed symbol's counts, without the samples and the ratio (checked on their own). */
function bySymbol(diff: BundleDiff): Record<string, unknown> {
  return Object.fromEntries(
    diff.symbols.map(({ symbol, samples: _samples, readjust_ratio: _ratio, ...rest }) => [symbol, rest]),
  );
}

/** Rewrites every daily/*.csv of `dir` with `edit` (lines without the header). */
async function editDaily(dir: string, edit: (lines: string[]) => string[]): Promise<void> {
  for (const name of await readdir(join(dir, 'daily'))) {
    const path = join(dir, 'daily', name);
    const [header, ...lines] = (await readFile(path, 'utf8')).trimEnd().split('\n');
    await writeFile(path, `${[header, ...edit(lines)].join('\n')}\n`);
  }
}

describe('diffBundles finds exactly the changes the generator booked', () => {
  let root: string;
  const pairs = new Map<BundleFormat, { old: string; new: string; expected: ExpectedDiff }>();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'diff-engine-'));
    for (const format of ['csv-daily', 'qlib-bin'] as const) {
      const pair = { old: join(root, format, 'old'), new: join(root, format, 'new') };
      const expected = await generateBundlePair(
        { symbols: 16, days: 60, extraDays: 5, seed: 7, format },
        { old: dirSink(pair.old), new: dirSink(pair.new) },
      );
      pairs.set(format, { ...pair, expected });
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const format of ['csv-daily', 'qlib-bin'] as const) {
    it(`${format}: added, removed and restated rows and symbols, re-adjusted symbols, the new days`, async () => {
      const pair = pairs.get(format)!;
      const diff = await diffBundles(pair.old, pair.new, ctx(), { workers: 0 });
      expect(diff.totals).toEqual(pair.expected.totals);
      expect(bySymbol(diff)).toEqual(pair.expected.symbols);
      const readjusted = diff.symbols.filter((symbol) => symbol.readjusted);
      expect(readjusted.map((symbol) => symbol.readjust_ratio)).toEqual([1.25, 1.25]);
      // A re-adjusted symbol's history is not restated: its one restated row is the close raised on purpose.
      expect(readjusted.flatMap((symbol) => symbol.samples.map((sample) => sample.field))).toEqual(['close']);
      const factor = diff.symbols.find((symbol) => symbol.samples.some((sample) => sample.field === 'factor'));
      expect(factor?.samples).toEqual([expect.objectContaining({ field: 'factor' })]);
      expect(factor?.samples[0]!.new).toBeCloseTo(2 * factor!.samples[0]!.old!, 5);
      expect(diff).toMatchObject({ from: { format }, to: { format } });
    });
  }

  it('the same result whatever the order of the lines, with duplicate dates, and textual-only differences', async () => {
    const pair = pairs.get('csv-daily')!;
    const shuffled = join(root, 'shuffled');
    await generateBundlePair(
      { symbols: 16, days: 60, extraDays: 5, seed: 7, format: 'csv-daily' },
      { old: dirSink(join(root, 'unused')), new: dirSink(shuffled) },
    );
    // Newest first (tushare's order), and every date's first line repeated at the end: a duplicate is not a row.
    await editDaily(shuffled, (lines) => [...lines.reverse(), ...lines.slice(-1)]);
    const diff = await diffBundles(pair.old, shuffled, ctx(), { workers: 0 });
    expect(diff.totals).toEqual(pair.expected.totals);
    expect(bySymbol(diff)).toEqual(pair.expected.symbols);
  });

  it('long form (one CSV with a symbol column) against per-symbol files, and a zip read in place', async () => {
    const pair = pairs.get('csv-daily')!;
    const longDir = join(root, 'long');
    const lines: string[] = [];
    let header = '';
    for (const name of (await readdir(join(pair.new, 'daily'))).sort()) {
      const [first, ...rows] = (await readFile(join(pair.new, 'daily', name), 'utf8')).trimEnd().split('\n');
      header = `symbol,${first!}`;
      lines.push(...rows.map((row) => `${name.replace(/\.csv$/, '')},${row}`));
    }
    await mkdir(longDir, { recursive: true });
    await writeFile(join(longDir, 'daily.csv'), `${header}\n${lines.join('\n')}\n`);
    await writeFile(join(longDir, 'calendar.csv'), await readFile(join(pair.new, 'calendar.csv')));
    const files: Record<string, Buffer> = {};
    for (const name of await readdir(join(pair.old, 'daily'))) {
      files[`old/daily/${name}`] = await readFile(join(pair.old, 'daily', name));
    }
    files['old/calendar.csv'] = await readFile(join(pair.old, 'calendar.csv'));
    const zip = await writeZip(join(root, 'old.zip'), files);
    const diff = await diffBundles(await openZipTree(zip), longDir, ctx(), { workers: 0 });
    expect(diff.to).toEqual({ format: 'csv-daily', layout: 'long' });
    expect(diff.totals).toEqual(pair.expected.totals);
    expect(bySymbol(diff)).toEqual(pair.expected.symbols);
  });

  it('csv-daily against qlib binary of the same series: re-adjusted (qlib divides by the first close), not restated', async () => {
    const csv = pairs.get('csv-daily')!;
    const qlib = pairs.get('qlib-bin')!;
    const diff = await diffBundles(csv.old, qlib.old, ctx(), { workers: 0 });
    expect(diff.totals).toMatchObject({ symbols_added: 0, symbols_removed: 0, rows_restated: 0, rows_added: 0 });
    expect(diff.totals.symbols_readjusted).toBe(diff.totals.symbols_compared);
  });

  it('bundles without calendar files count new days from the dates of the rows; equal bundles are unchanged', async () => {
    const pair = pairs.get('csv-daily')!;
    const [oldDir, newDir] = [join(root, 'nocal-old'), join(root, 'nocal-new')];
    await generateBundlePair(
      { symbols: 16, days: 60, extraDays: 5, seed: 7, format: 'csv-daily' },
      { old: dirSink(oldDir), new: dirSink(newDir) },
    );
    await Promise.all([rm(join(oldDir, 'calendar.csv')), rm(join(newDir, 'calendar.csv'))]);
    const diff = await diffBundles(oldDir, newDir, ctx(), { workers: 0 });
    expect(diff.totals).toEqual(pair.expected.totals);
    const same = await diffBundles(pair.new, pair.new, ctx(), { workers: 0 });
    expect(same.symbols).toEqual([]);
    expect(same.totals).toMatchObject({ symbols_unchanged: 17, rows_added: 0, days_added: 0 });
  });

  it("forward-adjusted prices (JoinQuant's factor) re-adjusted after a bonus issue are re-adjusted, not restated", async () => {
    const [oldDir, newDir] = [join(root, 'fq-old'), join(root, 'fq-new')];
    const header = ',open,high,low,close,volume,money,factor';
    const bar = (day: string, price: string, volume: number, money: number, factor: string): string =>
      `${day},${price},${price},${price},${price},${volume},${money},${factor}`;
    const files = (rows: Record<string, string[]>): Record<string, string> =>
      Object.fromEntries(Object.entries(rows).map(([name, lines]) => [name, `${[header, ...lines].join('\n')}\n`]));
    const write = async (dir: string, contents: Record<string, string>): Promise<void> => {
      for (const [name, text] of Object.entries(contents)) await dirSink(dir)(`daily/${name}`, Buffer.from(text));
    };
    // Both symbols' histories start the same.
    const before = [bar('2024-03-04', '10.23', 1000, 10230, '1.0'), bar('2024-03-05', '10.31', 1000, 10310, '1.0')];
    await write(oldDir, files({ '600000.XSHG.csv': before, '600001.XSHG.csv': before }));
    // A 10-for-10 on 2024-03-06 halves the history (rounded to the fen: 5.115 → 5.12) and doubles its volume. The
    // second symbol's 2024-03-04 also changed: 5.25 is a raw 10.50, a restatement.
    await write(
      newDir,
      files({
        '600000.XSHG.csv': [
          bar('2024-03-04', '5.12', 2000, 10230, '0.5'),
          bar('2024-03-05', '5.16', 2000, 10310, '0.5'),
          bar('2024-03-06', '5.20', 1000, 5200, '1.0'),
        ],
        '600001.XSHG.csv': [
          bar('2024-03-04', '5.25', 2000, 10230, '0.5'),
          bar('2024-03-05', '5.16', 2000, 10310, '0.5'),
          bar('2024-03-06', '5.20', 1000, 5200, '1.0'),
        ],
      }),
    );
    const diff = await diffBundles(oldDir, newDir, ctx(), { workers: 0 });
    expect(bySymbol(diff)).toMatchObject({
      '600000.SH': { readjusted: true, rows_restated: 0, rows_added: 1 },
      '600001.SH': { readjusted: true, rows_restated: 1, first_restated_date: '2024-03-04' },
    });
  });

  it('stops with CANCELLED when the signal is aborted', async () => {
    const pair = pairs.get('csv-daily')!;
    const controller = new AbortController();
    controller.abort();
    await expect(
      diffBundles(pair.old, pair.new, { ...ctx(), signal: controller.signal }, { workers: 0 }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
