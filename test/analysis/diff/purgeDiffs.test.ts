import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiffStore, type DiffStore } from '../../../src/analysis/diff/createDiffStore';
import type { BundleDiff } from '../../../src/analysis/diff/diffBundles';
import { createBundleStore, type BundleStore } from '../../../src/bundles/bundleStore';
import { createTestStore, type TestStore } from '../../tasks/testStore';

let t: TestStore;
let diffs: DiffStore;
let bundles: BundleStore;
beforeEach(() => {
  t = createTestStore();
  diffs = createDiffStore(t.db);
  bundles = createBundleStore(t.db);
});
afterEach(() => t.close());

const DAY = 24 * 60 * 60 * 1000;

const oneRestatedSymbol: BundleDiff = {
  from: { format: 'csv-daily', layout: 'per-symbol' },
  to: { format: 'csv-daily', layout: 'per-symbol' },
  totals: {
    symbols_compared: 1,
    symbols_unchanged: 0,
    symbols_added: 0,
    symbols_removed: 0,
    symbols_restated: 1,
    symbols_readjusted: 0,
    rows_added: 0,
    rows_removed: 0,
    rows_restated: 1,
    days_added: 0,
    days_removed: 0,
  },
  symbols: [
    {
      symbol: '600000.SH',
      change: 'changed',
      rows_added: 0,
      rows_removed: 0,
      rows_restated: 1,
      readjusted: false,
      readjust_ratio: null,
      first_restated_date: '2025-01-02',
      last_restated_date: '2025-01-02',
      samples: [{ trade_date: '2025-01-02', field: 'close', old: 10.5, new: 10.51 }],
    },
  ],
};

/** A download task, finished successfully at `iso`, that installed a bundle and recorded its diff. */
function installWithDiff(iso: string): { taskId: string; diffId: number } {
  t.clock.set(iso);
  const task = t.store.createTask({ taskType: 'download', source: 'manual' });
  t.store.startTask(task.task_id);
  const previous = bundles.getInstalledBundle();
  const install = bundles.recordInstall({
    task_id: task.task_id,
    source_url: 'http://127.0.0.1/bundle.zip',
    sha256: iso.replace(/\D/g, '').padEnd(64, '0'),
    size_bytes: 10,
    etag: null,
    last_modified: null,
    archive_type: 'zip',
    entries: 1,
    extracted_bytes: 10,
    layout: 'csv-daily',
    symbol_count: 1,
    row_count: 10,
    last_date: '2025-01-10',
    forced: 0,
    previous_bundle_id: previous?.bundle_id ?? null,
  });
  const diffId = diffs.recordDiff({
    taskId: task.task_id,
    fromBundleId: previous?.bundle_id ?? null,
    toBundleId: install.bundle_id,
    diff: previous === null ? null : oneRestatedSymbol,
    createdAt: iso,
    seconds: previous === null ? null : 0.1,
  });
  t.store.succeedTask(task.task_id);
  return { taskId: task.task_id, diffId };
}

const count = (table: string): number => t.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

describe('bundle diff retention (purgeDiffs)', () => {
  it('deletes the diffs of purged tasks with their symbols and samples, keeping those of kept tasks', () => {
    const first = installWithDiff('2025-01-01T00:00:00.000Z');
    const second = installWithDiff('2025-01-02T00:00:00.000Z');
    const kept = installWithDiff('2025-03-01T00:00:00.000Z');
    const latest = installWithDiff('2025-03-02T00:00:00.000Z');
    expect(count('market_data_bundle_diff_samples')).toBe(3);
    t.clock.set(new Date(Date.parse('2025-01-02T00:00:00.000Z') + 31 * DAY).toISOString());
    expect(t.store.purgeFinishedTasks({ successDays: 30, failedDays: 30 }).tasks).toBe(2);

    expect(diffs.purgeDiffs()).toBe(2);
    expect(diffs.getDiff(first.diffId)).toBeNull();
    expect(diffs.getDiff(second.diffId)).toBeNull();
    expect(diffs.getDiff(kept.diffId)).not.toBeNull();
    expect(diffs.latestDiffId()).toBe(latest.diffId);
    expect(count('market_data_bundle_diff_symbols')).toBe(2);
    expect(count('market_data_bundle_diff_samples')).toBe(2);
    expect(diffs.purgeDiffs()).toBe(0);
  });

  it('keeps the newest diff, which describes the latest install, after its task is purged', () => {
    installWithDiff('2025-01-01T00:00:00.000Z');
    const latest = installWithDiff('2025-01-02T00:00:00.000Z');
    t.clock.set('2025-06-01T00:00:00.000Z');
    t.store.purgeFinishedTasks({ successDays: 30, failedDays: 30 });
    expect(diffs.purgeDiffs()).toBe(1);
    expect(diffs.getDiff()).toMatchObject({ diff_id: latest.diffId, totals: { rows_restated: 1 } });
    expect(diffs.getSymbol(latest.diffId, '600000.SH')?.samples).toHaveLength(1);
  });
});
