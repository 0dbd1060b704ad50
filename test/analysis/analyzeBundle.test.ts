import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundle, analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { createAnalysisStore } from '../../src/analysis/createAnalysisStore';
import { getCurrentAnalysis } from '../../src/analysis/getCurrentAnalysis';
import { listSymbolMetrics } from '../../src/analysis/listSymbolMetrics';
import { openDatabase } from '../../src/db/openDatabase';
import { isAppError } from '../../src/errors';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs, createTestContext } from './analysisTestKit';
import { join } from 'node:path';

const temp = createTempDirs();
const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  temp.cleanup();
});

function freshDb(): Database.Database {
  const db = openDatabase(join(temp.make('analysis-db-'), 'app.sqlite'));
  open.push(db);
  return db;
}

const clock = (iso: string) => () => new Date(iso);

describe('analyzeBundle', () => {
  it('stores a run whose totals and symbols match the generator and becomes current', async () => {
    const db = freshDb();
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, { symbols: 25, days: 200, seed: 7 });
    const result = await analyzeBundle(
      {
        bundleDir: dir,
        store: createAnalysisStore(db),
        taskId: 'task-1',
        now: clock('2026-01-02T03:04:05Z'),
        workers: 0,
      },
      createTestContext(),
    );
    expect({ format: 'csv-daily', calendar_source: 'bundle', bundle: result.totals, symbols: result.symbols }).toEqual(
      expected,
    );
    const current = getCurrentAnalysis(db);
    expect(current?.runId).toBe(result.runId);
    expect(current?.taskId).toBe('task-1');
    expect(current?.calendarSource).toBe('bundle');
    expect(current?.startedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(current?.totals).toEqual(expected.bundle);
    const issues = db.prepare('SELECT COUNT(*) AS n FROM analysis_issues WHERE run_id = ?').get(result.runId) as {
      n: number;
    };
    expect(issues.n).toBeGreaterThan(0);
    const days = db
      .prepare(`SELECT COUNT(*) AS n FROM analysis_date_stats WHERE run_id = ? AND flags LIKE '%empty%'`)
      .get(result.runId) as { n: number };
    expect(days.n).toBe(1);
  });

  it('keeps history on re-analysis and treats the newest successful run as current', async () => {
    const db = freshDb();
    const first = temp.make();
    const second = temp.make();
    await writeSyntheticBundleDir(first, { symbols: 10, days: 60, seed: 1, defects: 'none' });
    const expectedSecond = await writeSyntheticBundleDir(second, { symbols: 12, days: 80, seed: 2 });
    const a = await analyzeBundle(
      { bundleDir: first, store: createAnalysisStore(db), workers: 0 },
      createTestContext(),
    );
    const b = await analyzeBundle(
      { bundleDir: second, store: createAnalysisStore(db), workers: 0 },
      createTestContext(),
    );
    expect(b.runId).toBeGreaterThan(a.runId);
    expect(getCurrentAnalysis(db)?.runId).toBe(b.runId);
    expect(getCurrentAnalysis(db)?.totals.symbol_count).toBe(expectedSecond.bundle.symbol_count);
    expect(listSymbolMetrics(db, a.runId, { limit: 100, offset: 0, sort: 'symbol' }).total).toBe(10);

    // A failed later run does not replace the current one.
    await expect(
      analyzeBundle(
        { bundleDir: join(first, 'nope'), store: createAnalysisStore(db), workers: 0 },
        createTestContext(),
      ),
    ).rejects.toSatisfy((error) => isAppError(error, 'BUNDLE_INVALID'));
    expect(getCurrentAnalysis(db)?.runId).toBe(b.runId);
    const statuses = db.prepare('SELECT status FROM analysis_runs ORDER BY run_id').pluck().all();
    expect(statuses).toEqual(['ok', 'warn', 'failed']);
  });

  it('returns null as the current analysis before any successful run', () => {
    expect(getCurrentAnalysis(freshDb())).toBeNull();
  });

  it('pages, filters and sorts symbol metrics, and rejects unknown sort keys', async () => {
    const db = freshDb();
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, { symbols: 20, days: 120, seed: 4 });
    const { runId } = await analyzeBundle(
      { bundleDir: dir, store: createAnalysisStore(db), workers: 0 },
      createTestContext(),
    );
    const byMissing = listSymbolMetrics(db, runId, { limit: 3, offset: 0, sort: '-missing_days' });
    expect(byMissing.total).toBe(20);
    expect(byMissing.items).toHaveLength(3);
    const maxMissing = Math.max(...Object.values(expected.symbols).map((m) => m.missing_days ?? 0));
    expect(byMissing.items[0]!.missing_days).toBe(maxMissing);
    const sz = listSymbolMetrics(db, runId, { q: '.sz', limit: 100, offset: 0, sort: 'symbol' });
    expect(sz.items.map((item) => item.symbol)).toEqual(Object.keys(expected.symbols).filter((s) => s.endsWith('.SZ')));
    expect(() => listSymbolMetrics(db, runId, { limit: 10, offset: 0, sort: 'symbol; DROP TABLE x' })).toThrow(
      /Unknown sort key/,
    );
    expect(() => listSymbolMetrics(db, runId, { limit: 0, offset: 0, sort: 'symbol' })).toThrow(/limit/);
  });

  it('marks the run failed and throws CANCELLED when aborted between symbols', async () => {
    const db = freshDb();
    const dir = temp.make();
    await writeSyntheticBundleDir(dir, { symbols: 30, days: 60, seed: 8 });
    const controller = new AbortController();
    const ctx = createTestContext(controller.signal);
    const onProgress = ctx.onProgress;
    const cancelling = {
      ...ctx,
      onProgress: (progress: Parameters<typeof onProgress>[0]) => {
        onProgress(progress);
        if (progress.done >= 3) controller.abort();
      },
    };
    await expect(
      analyzeBundle({ bundleDir: dir, store: createAnalysisStore(db), workers: 0 }, cancelling),
    ).rejects.toSatisfy((error) => isAppError(error, 'CANCELLED'));
    const run = db.prepare('SELECT status, error_code FROM analysis_runs').get() as {
      status: string;
      error_code: string;
    };
    expect(run).toEqual({ status: 'failed', error_code: 'CANCELLED' });
    expect(ctx.progress.at(-1)!.done).toBeLessThan(30);
    expect(getCurrentAnalysis(db)).toBeNull();
  });

  it('reports progress by symbols up to the total', async () => {
    const dir = temp.make();
    await writeSyntheticBundleDir(dir, { symbols: 9, days: 50, seed: 1, defects: 'none' });
    const ctx = createTestContext();
    await analyzeBundleToSummary(dir, ctx, { workers: 0 });
    expect(ctx.progress[0]).toMatchObject({ done: 0, total: 9, unit: 'symbols' });
    expect(ctx.progress.at(-1)).toMatchObject({ done: 9, total: 9, unit: 'symbols' });
  });
});
