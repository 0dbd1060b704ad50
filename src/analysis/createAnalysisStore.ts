import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import { ISSUE_SAMPLES_PER_RUN, type SampledIssue } from './checkCodes';
import type { SymbolAnalysis } from './createSymbolAnalyzer';
import { formatDayNumber } from './dayNumbers';
import { getCurrentAnalysis, type AnalysisRunSummary } from './getCurrentAnalysis';
import { listDayStats, type DayStatsRow } from './listDayStats';
import { listFindings, type FindingsPage, type ListFindingsQuery } from './listFindings';
import { listSymbolMetrics, type ListSymbolMetricsQuery, type SymbolMetricsPage } from './listSymbolMetrics';
import { purgeAnalysisRuns } from './purgeAnalysisRuns';
import { BUNDLE_ONLY_METRICS, SYMBOL_COUNT_METRICS, type BundleTotals } from './metricNames';
import type { BundleAnalysis } from './runBundleAnalysis';
import { classifySymbolStatus, type SymbolStatus } from './symbolStatus';
import { toFinding } from './toFinding';

export interface StartRunInput {
  readonly taskId: string | null;
  readonly bundlePath: string;
  readonly analyzerVersion: string;
  readonly params: Record<string, unknown>;
  readonly startedAt: string;
}

/** The analysis tables: the runs the analysis writes, and what the API reads back. */
export interface AnalysisStore {
  /** The newest successful (ok or warn) run with its bundle totals; null when there is none. */
  getCurrentAnalysis(): AnalysisRunSummary | null;
  /** One page of a run's per-symbol metrics; INVALID_REQUEST for an unknown sort key or a bad page. */
  listSymbolMetrics(runId: number, query: ListSymbolMetricsQuery): SymbolMetricsPage;
  /** Every calendar day of a run with its symbol count and flags, oldest first. */
  listDayStats(runId: number): DayStatsRow[];
  /** One page of a run's finding samples, with the sample count of each check. */
  listFindings(runId: number, query: ListFindingsQuery): FindingsPage;
  /**
   * Opens a run. Runs still open are closed as failed (INTERRUPTED) first: analyses run one at a time (the task
   * mutex), so an open run belongs to an analysis a crash or a stop cut short, and its task is running it again.
   */
  startRun(input: StartRunInput): number;
  /** Writes a batch of symbols (and their issue samples, within the per-run cap) in one transaction. */
  writeSymbols(runId: number, batch: readonly SymbolAnalysis[]): void;
  /** Writes day stats, totals and delisted flags, and marks the run ok or warn, in one transaction. */
  finishRun(runId: number, analysis: BundleAnalysis, finishedAt: string): 'ok' | 'warn';
  failRun(runId: number, code: string, message: string, finishedAt: string): void;
  /** Retention: deletes the runs of tasks that are gone, except the current run; returns how many. */
  purgeRuns(): number;
}

const METRIC_COLUMNS = SYMBOL_COUNT_METRICS.join(', ');
const METRIC_PARAMS = SYMBOL_COUNT_METRICS.map((name) => `@${name}`).join(', ');
const TOTAL_COLUMNS = [...SYMBOL_COUNT_METRICS, ...BUNDLE_ONLY_METRICS].join(', ');
const TOTAL_PARAMS = TOTAL_COLUMNS.split(', ')
  .map((name) => `@${name}`)
  .join(', ');

/** The analysis tables over one connection (statements are prepared once per connection). */
export function createAnalysisStore(db: Database.Database): AnalysisStore {
  const insertRun = prepareOnce(
    db,
    `INSERT INTO analysis_runs (task_id, bundle_path, analyzer_version, params_json, started_at, status)
     VALUES (@taskId, @bundlePath, @analyzerVersion, @params, @startedAt, 'running')`,
  );
  const insertSymbol = prepareOnce(
    db,
    `INSERT INTO analysis_symbol_metrics (run_id, symbol, board, rule_set, is_st, status, first_date, last_date,
       max_stale_run, ${METRIC_COLUMNS})
     VALUES (@runId, @symbol, @board, @rule_set, @isSt, @status, @first_date, @last_date, @maxStaleRun, ${METRIC_PARAMS})`,
  );
  const insertIssue = prepareOnce(
    db,
    `INSERT INTO analysis_issues (run_id, symbol, trade_date, check_code, severity, line_no, detail)
     VALUES (@runId, @symbol, @tradeDate, @check, @severity, @line, @detail)`,
  );
  const insertDay = prepareOnce(
    db,
    `INSERT INTO analysis_date_stats (run_id, trade_date, symbol_count, zero_volume_count, limit_up_count,
       limit_down_count, repeated_fraction, flags)
     VALUES (@runId, @tradeDate, @symbolCount, @zeroVolume, @limitUp, @limitDown, @repeatedFraction, @flags)`,
  );
  const insertTotals = prepareOnce(
    db,
    `INSERT INTO analysis_bundle_totals (run_id, calendar_days, first_date, last_date, symbols_ok, symbols_warn,
       symbols_error, ${TOTAL_COLUMNS})
     VALUES (@runId, @calendarDays, @first_date, @last_date, @symbolsOk, @symbolsWarn, @symbolsError, ${TOTAL_PARAMS})`,
  );
  const markDelisted = prepareOnce(
    db,
    `UPDATE analysis_symbol_metrics SET is_delisted = 1 WHERE run_id = @runId AND symbol = @symbol`,
  );
  const countStatuses = prepareOnce(
    db,
    `SELECT status, COUNT(*) AS n FROM analysis_symbol_metrics WHERE run_id = @runId GROUP BY status`,
  );
  const completeRun = prepareOnce(
    db,
    `UPDATE analysis_runs SET status = @status, finished_at = @finishedAt, bundle_format = @format, layout = @layout,
       encoding = @encoding, calendar_source = @calendarSource WHERE run_id = @runId`,
  );
  const closeInterrupted = prepareOnce(
    db,
    `UPDATE analysis_runs SET status = 'failed', finished_at = @startedAt, error_code = 'INTERRUPTED',
       error_message = 'The analysis stopped before it finished (the host stopped or crashed).'
     WHERE status = 'running'`,
  );
  const start = db.transaction((input: StartRunInput): number => {
    closeInterrupted.run({ startedAt: input.startedAt });
    return Number(insertRun.run({ ...input, params: JSON.stringify(input.params) }).lastInsertRowid);
  });
  const failRunStatement = prepareOnce(
    db,
    `UPDATE analysis_runs SET status = 'failed', finished_at = @finishedAt, error_code = @code, error_message = @message
     WHERE run_id = @runId AND status = 'running'`,
  );
  const issueCounts = new Map<number, number>();

  const writeSymbols = db.transaction((runId: number, batch: readonly SymbolAnalysis[]) => {
    for (const result of batch) {
      insertSymbol.run({
        ...result.metrics,
        runId,
        symbol: result.symbol,
        board: result.board,
        isSt: result.isSt ? 1 : 0,
        status: classifySymbolStatus(result.metrics),
        maxStaleRun: result.maxStaleRun,
      });
      writeIssues(runId, result.issues);
    }
  });

  function writeIssues(runId: number, issues: readonly SampledIssue[]): void {
    let written = issueCounts.get(runId) ?? 0;
    for (const issue of issues) {
      if (written >= ISSUE_SAMPLES_PER_RUN) break;
      const finding = toFinding(issue);
      insertIssue.run({
        runId,
        symbol: finding.symbol,
        tradeDate: finding.trade_date,
        check: finding.check_code,
        severity: finding.severity,
        line: finding.line_no,
        detail: finding.detail,
      });
      written++;
    }
    issueCounts.set(runId, written);
  }

  const finish = db.transaction((runId: number, analysis: BundleAnalysis, finishedAt: string): 'ok' | 'warn' => {
    const { days, calendar, dayFlags, span } = analysis;
    const dayIssues: SampledIssue[] = [];
    for (let index = span.first; index <= span.last; index++) {
      const flags = dayFlags.get(index) ?? [];
      const adjacent = days.adjacent[index]!;
      insertDay.run({
        runId,
        tradeDate: formatDayNumber(calendar[index]!),
        symbolCount: days.valid[index]!,
        zeroVolume: days.zeroVolume[index]!,
        limitUp: days.limitUp[index]!,
        limitDown: days.limitDown[index]!,
        repeatedFraction: adjacent > 0 ? days.identical[index]! / adjacent : null,
        flags: flags.join(','),
      });
      for (const flag of flags) {
        const check = flag === 'empty' ? 'EMPTY_DAY' : flag === 'thin' ? 'THIN_DAY' : 'FROZEN_DAY';
        dayIssues.push({ symbol: null, day: calendar[index]!, check, line: 0, detail: `${days.valid[index]} symbols` });
      }
    }
    writeIssues(runId, dayIssues.slice(0, 50 * 3));
    for (const symbol of analysis.delistedSymbols) markDelisted.run({ runId, symbol });
    const statuses: Record<SymbolStatus, number> = { ok: 0, warn: 0, error: 0 };
    for (const row of countStatuses.all({ runId }) as { status: SymbolStatus; n: number }[])
      statuses[row.status] = row.n;
    insertTotals.run({
      ...analysis.totals,
      runId,
      calendarDays: Math.max(0, span.last - span.first + 1),
      symbolsOk: statuses.ok,
      symbolsWarn: statuses.warn,
      symbolsError: statuses.error,
    });
    const status = runStatus(analysis.totals, statuses);
    completeRun.run({
      runId,
      status,
      finishedAt,
      format: analysis.format,
      layout: analysis.layout.kind,
      encoding: analysis.encoding,
      calendarSource: analysis.calendarSource,
    });
    issueCounts.delete(runId);
    return status;
  });

  return {
    getCurrentAnalysis: () => getCurrentAnalysis(db),
    listSymbolMetrics: (runId, query) => listSymbolMetrics(db, runId, query),
    listDayStats: (runId) => listDayStats(db, runId),
    listFindings: (runId, query) => listFindings(db, runId, query),
    startRun: (input) => start.immediate(input),
    writeSymbols: (runId, batch) => writeSymbols(runId, batch),
    finishRun: (runId, analysis, finishedAt) => finish(runId, analysis, finishedAt),
    failRun: (runId, code, message, finishedAt) => {
      issueCounts.delete(runId);
      failRunStatement.run({ runId, code, message, finishedAt });
    },
    purgeRuns: () => purgeAnalysisRuns(db),
  };
}

/** A run is `warn` when any symbol is not ok or a day is flagged; both count as successful. */
function runStatus(totals: BundleTotals, statuses: Record<SymbolStatus, number>): 'ok' | 'warn' {
  const dayProblems = totals.empty_calendar_days + totals.thin_days + totals.frozen_days;
  return statuses.warn + statuses.error + dayProblems > 0 ? 'warn' : 'ok';
}
