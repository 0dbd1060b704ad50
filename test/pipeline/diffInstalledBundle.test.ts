import { mkdir, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateBundlePair, type ExpectedDiff } from '../../scripts/bundleGenerator/generateBundlePair';
import type { BundleFileSink } from '../../scripts/bundleGenerator/generateSyntheticBundle';
import { createDiffStore, type DiffStore } from '../../src/analysis/diff/createDiffStore';
import { getBundleDiff, getDiffSymbol, listDiffSymbols } from '../../src/analysis/diff/readBundleDiffs';
import { createBundleStore, type BundleStore, type NewBundleInstall } from '../../src/bundles/bundleStore';
import { openDatabase } from '../../src/db/openDatabase';
import { createTaskStore } from '../../src/tasks/taskStore';
import { diffInstalledBundle } from '../../src/pipeline/diffInstalledBundle';
import { createStageTestContext } from '../stages/helpers/stageTestContext';

let dir: string;
let db: Database.Database;
let bundles: BundleStore;
let diffs: DiffStore;
let taskId: string;

const sink =
  (root: string): BundleFileSink =>
  async (name, data) => {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), data);
  };

function install(previous: number | null): number {
  const row: NewBundleInstall = {
    task_id: null,
    source_url: 'https://example.test/bundle.zip',
    sha256: null,
    size_bytes: 1,
    etag: null,
    last_modified: null,
    archive_type: 'zip',
    entries: 1,
    extracted_bytes: 1,
    layout: 'csv-daily',
    symbol_count: 1,
    row_count: 1,
    last_date: null,
    forced: 0,
    previous_bundle_id: previous,
  };
  return bundles.recordInstall(row).bundle_id;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diff-stage-'));
  db = openDatabase(path.join(dir, 'db.sqlite3'));
  bundles = createBundleStore(db);
  diffs = createDiffStore(db);
  const tasks = createTaskStore(db);
  taskId = tasks.createTask({ taskType: 'download', source: 'manual' }).task_id;
  tasks.startTask(taskId);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the diff stage compares bundles/current with bundles/previous and records it whole', () => {
  let expected: ExpectedDiff;
  const bundlesDir = () => path.join(dir, 'bundles');

  beforeEach(async () => {
    expected = await generateBundlePair(
      { symbols: 14, days: 40, extraDays: 3, seed: 5, format: 'csv-daily' },
      { old: sink(path.join(bundlesDir(), 'previous')), new: sink(path.join(bundlesDir(), 'current')) },
    );
  });

  it("says a first install has nothing to compare with, then records the second install's diff once", async () => {
    const first = install(null);
    const ctx = createStageTestContext();
    expect(await diffInstalledBundle({ bundles, diffs, bundlesDir: bundlesDir() }, taskId, ctx)).toBe(
      'This is the first bundle installed: there is no previous generation to compare it with.',
    );
    expect(getBundleDiff(db)).toMatchObject({ from: null, totals: null, to: { bundle_id: first } });

    const second = install(first);
    const summary = await diffInstalledBundle({ bundles, diffs, bundlesDir: bundlesDir(), workers: 0 }, taskId, ctx);
    const { totals } = expected;
    expect(summary).toBe(
      `${totals.symbols_restated} symbols restated ${totals.rows_restated} rows; ${totals.symbols_readjusted} re-adjusted; ` +
        `${totals.symbols_added} symbols added; ${totals.symbols_removed} removed; ${totals.days_added} new days.`,
    );
    const diff = getBundleDiff(db)!;
    expect(diff).toMatchObject({ from: { bundle_id: first }, to: { bundle_id: second }, totals: expected.totals });
    const page = listDiffSymbols(db, diff.diff_id, { sort: 'symbol', limit: 1000, offset: 0 });
    expect(Object.fromEntries(page.items.map(({ symbol, readjust_ratio: _r, ...rest }) => [symbol, rest]))).toEqual(
      expected.symbols,
    );
    const restated = page.items.find((item) => item.rows_restated === 2)!;
    expect(getDiffSymbol(db, diff.diff_id, restated.symbol)?.samples).toEqual([
      expect.objectContaining({ field: 'close', trade_date: restated.first_restated_date }),
      expect.objectContaining({ field: 'close', trade_date: restated.last_restated_date }),
    ]);
    expect(ctx.progress.at(-1)).toMatchObject({ done: 17, total: 17, unit: 'symbols' });

    // A run again for the same install (a redelivered activity) neither compares again nor writes a second diff.
    expect(await diffInstalledBundle({ bundles, diffs, bundlesDir: bundlesDir() }, taskId, ctx)).toBe(summary);
    expect(getBundleDiff(db)?.diff_id).toBe(diff.diff_id);
  });

  it('a cancelled diff records nothing: the previous diff stays the latest', async () => {
    const first = install(null);
    const ctx = createStageTestContext();
    await diffInstalledBundle({ bundles, diffs, bundlesDir: bundlesDir() }, taskId, ctx);
    const before = getBundleDiff(db);
    install(first);
    ctx.controller.abort();
    await expect(
      diffInstalledBundle({ bundles, diffs, bundlesDir: bundlesDir(), workers: 0 }, taskId, ctx),
    ).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(getBundleDiff(db)).toEqual(before);
  });

  it('a previous generation that is not a bundle gives a warning and no diff, and does not fail', async () => {
    rmSync(path.join(bundlesDir(), 'previous'), { recursive: true });
    await mkdir(path.join(bundlesDir(), 'previous', 'scripts'), { recursive: true });
    await writeFile(path.join(bundlesDir(), 'previous', 'README.md'), 'code only');
    install(install(null));
    const ctx = createStageTestContext();
    expect(await diffInstalledBundle({ bundles, diffs, bundlesDir: bundlesDir() }, taskId, ctx)).toMatch(
      /not a readable bundle/,
    );
    expect(ctx.logs.join('\n')).toMatch(/WARNING The previous generation cannot be read as a bundle/);
    expect(getBundleDiff(db)).toBeNull();
  });
});
