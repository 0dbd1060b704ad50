import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import { BUNDLE_ONLY_METRICS, SYMBOL_COUNT_METRICS, type BundleTotals } from './metricNames';

export interface AnalysisRunSummary {
  readonly runId: number;
  readonly taskId: string | null;
  readonly bundlePath: string;
  readonly status: 'ok' | 'warn';
  readonly format: string;
  readonly layout: string | null;
  readonly encoding: string | null;
  readonly calendarSource: 'bundle' | 'derived' | null;
  readonly analyzerVersion: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly calendarDays: number;
  readonly symbolsOk: number;
  readonly symbolsWarn: number;
  readonly symbolsError: number;
  readonly totals: BundleTotals;
}

interface Row extends Record<string, unknown> {
  run_id: number;
  task_id: string | null;
  bundle_path: string;
  status: 'ok' | 'warn';
  bundle_format: string;
  layout: string | null;
  encoding: string | null;
  calendar_source: 'bundle' | 'derived' | null;
  analyzer_version: string;
  started_at: string;
  finished_at: string | null;
  calendar_days: number;
  symbols_ok: number;
  symbols_warn: number;
  symbols_error: number;
  first_date: string | null;
  last_date: string | null;
}

const SELECT_CURRENT = `
  SELECT r.run_id, r.task_id, r.bundle_path, r.status, r.bundle_format, r.layout, r.encoding, r.calendar_source,
         r.analyzer_version, r.started_at, r.finished_at, t.*
  FROM analysis_runs r JOIN analysis_bundle_totals t ON t.run_id = r.run_id
  WHERE r.status IN ('ok', 'warn') ORDER BY r.run_id DESC LIMIT 1`;

/** The newest successful (ok or warn) analysis run with its bundle totals, or null when there is none. */
export function getCurrentAnalysis(db: Database.Database): AnalysisRunSummary | null {
  const row = prepareOnce<[], Row>(db, SELECT_CURRENT).get();
  if (!row) return null;
  const totals = { first_date: row.first_date, last_date: row.last_date } as BundleTotals;
  // Counts the bundle's format cannot express are NULL in the table and null here.
  for (const name of SYMBOL_COUNT_METRICS) totals[name] = row[name] as number | null;
  for (const name of BUNDLE_ONLY_METRICS) totals[name] = row[name] as number;
  return {
    runId: row.run_id,
    taskId: row.task_id,
    bundlePath: row.bundle_path,
    status: row.status,
    format: row.bundle_format,
    layout: row.layout,
    encoding: row.encoding,
    calendarSource: row.calendar_source,
    analyzerVersion: row.analyzer_version,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    calendarDays: row.calendar_days,
    symbolsOk: row.symbols_ok,
    symbolsWarn: row.symbols_warn,
    symbolsError: row.symbols_error,
    totals,
  };
}
