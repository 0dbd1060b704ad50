import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBundlePair, type ExpectedDiff } from '../../../scripts/bundleGenerator/generateBundlePair';
import type { BundleFileSink } from '../../../scripts/bundleGenerator/generateSyntheticBundle';
import { diffBundles } from '../../../src/analysis/diff/diffBundles';
import type { BundleFormat } from '../../../src/analysis/metricNames';
import type { StageContext } from '../../../src/stages/stageContext';

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

describe('diffBundles finds exactly the changes the generator booked', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'diff-engine-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const format of ['csv-daily', 'qlib-bin'] as BundleFormat[]) {
    it(`${format}: added, removed and restated rows and symbols, re-adjusted symbols`, async () => {
      const oldDir = join(root, format, 'old');
      const newDir = join(root, format, 'new');
      const expected: ExpectedDiff = await generateBundlePair(
        { symbols: 16, days: 60, extraDays: 5, seed: 7, format },
        { old: dirSink(oldDir), new: dirSink(newDir) },
      );
      const diff = await diffBundles(oldDir, newDir, ctx(), { workers: 0 });
      expect(diff.totals).toEqual({ ...expected.totals });
      const found = Object.fromEntries(
        diff.symbols.map(({ symbol, samples: _samples, readjust_ratio: _ratio, ...rest }) => [symbol, rest]),
      );
      expect(found).toEqual(expected.symbols);
    });
  }
});
