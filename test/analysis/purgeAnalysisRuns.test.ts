import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analysis/analyzeBundle';
import { createAnalysisStore, type AnalysisStore } from '../../src/analysis/createAnalysisStore';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTestStore, type TestStore } from '../tasks/testStore';
import { createTempDirs, createTestContext } from './analysisTestKit';

const temp = createTempDirs();
let t: TestStore;
let analysis: AnalysisStore;
let bundleDir: string;
beforeEach(async () => {
  t = createTestStore();
  analysis = createAnalysisStore(t.db);
  bundleDir = temp.make();
  await writeSyntheticBundleDir(bundleDir, { symbols: 4, days: 30, seed: 5, defects: 'none' });
});
afterEach(() => {
  t.close();
  temp.cleanup();
});

const DAY = 24 * 60 * 60 * 1000;

/** An analyze task run to success at the clock's time, with its analysis stored as a run; returns both ids. */
async function analysedTask(iso: string): Promise<{ taskId: string; runId: number }> {
  t.clock.set(iso);
  const task = t.store.createTask({ taskType: 'analyze', source: 'manual' });
  t.store.startTask(task.task_id);
  const { runId } = await analyzeBundle(
    { bundleDir, store: analysis, taskId: task.task_id, workers: 0 },
    createTestContext(),
  );
  t.store.succeedTask(task.task_id);
  return { taskId: task.task_id, runId };
}

function rowsOf(table: string, runId: number): number {
  return t.db.prepare(`SELECT COUNT(*) FROM ${table} WHERE run_id = ?`).pluck().get(runId) as number;
}

describe('analysis retention (purgeRuns)', () => {
  it('deletes the runs of purged tasks with their symbols, days and totals, and keeps the runs of kept tasks', async () => {
    const old = await analysedTask('2025-01-01T00:00:00.000Z');
    const kept = await analysedTask('2025-03-01T00:00:00.000Z');
    const current = await analysedTask('2025-03-02T00:00:00.000Z');
    expect(rowsOf('analysis_symbol_metrics', old.runId)).toBe(4);
    t.clock.set(new Date(Date.parse('2025-01-01T00:00:00.000Z') + 31 * DAY).toISOString());
    expect(t.store.purgeFinishedTasks({ successDays: 30, failedDays: 30 }).tasks).toBe(1);

    expect(analysis.purgeRuns()).toBe(1);
    for (const table of ['analysis_symbol_metrics', 'analysis_date_stats', 'analysis_bundle_totals']) {
      expect(rowsOf(table, old.runId), table).toBe(0);
      expect(rowsOf(table, kept.runId), table).toBeGreaterThan(0);
    }
    expect(analysis.getCurrentAnalysis()?.runId).toBe(current.runId);
    expect(analysis.purgeRuns()).toBe(0);
  });

  it('keeps the current run after its task is purged, and the open run of an active task', async () => {
    const current = await analysedTask('2025-01-01T00:00:00.000Z');
    const active = t.store.createTask({ taskType: 'analyze', source: 'manual' });
    t.db
      .prepare(
        `INSERT INTO analysis_runs (task_id, bundle_path, analyzer_version, params_json, started_at, status)
         VALUES (?, ?, 'x', '{}', '2025-03-01T00:00:00.000Z', 'running')`,
      )
      .run(active.task_id, bundleDir);
    t.clock.set('2025-06-01T00:00:00.000Z');
    t.store.purgeFinishedTasks({ successDays: 30, failedDays: 30 });
    expect(t.store.getTask(current.taskId)).toBeNull();

    expect(analysis.purgeRuns()).toBe(0);
    expect(analysis.getCurrentAnalysis()?.runId).toBe(current.runId);
    expect(t.db.prepare('SELECT COUNT(*) FROM analysis_runs').pluck().get()).toBe(2);
  });
});
