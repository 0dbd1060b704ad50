import { AppError, ErrorCode, isAppError } from '../errors';
import type { StageContext } from '../stages/stageContext';
import type { AnalysisStore } from './createAnalysisStore';
import type { SymbolAnalysis } from './createSymbolAnalyzer';
import { LIMIT_RULES_VERSION } from './limitRules';
import type { BundleSummary, BundleTotals, SymbolMetrics } from './metricNames';
import { runBundleAnalysis, type BundleInput } from './runBundleAnalysis';
import { defaultWorkerCount } from './analysisWorkerPool';

// 2.0.0: qlib binary bundles, declared corporate actions, rule sets, not-applicable metrics, one-pass calendars.
// 2.1.0: a qlib day missing a required value, or every day of a symbol missing a required field, is a parse error.
// 2.1.1: Yahoo Finance's `600519.SS`, vn.py's `600000.SSE` and myquant's `SHSE.600000` are A-share symbols (board
// rules instead of the generic one).
const ANALYZER_VERSION = '2.1.1';

// Symbols per write transaction: large enough to amortise the commit, small enough to keep memory flat.
const WRITE_BATCH = 500;

export interface AnalyzeBundleOptions {
  /** The extracted bundle directory (its single top-level folder is descended into). */
  readonly bundleDir: string;
  /** Where the run is recorded. */
  readonly store: AnalysisStore;
  readonly taskId?: string | null;
  /** Clock for started_at / finished_at; default the system clock. */
  readonly now?: () => Date;
  /** Worker threads; default one per core (max 2) when running compiled, 0 = in-process. */
  readonly workers?: number;
  /** Where a long-form bundle is split by symbol (default: the system's temporary directory). */
  readonly tempDir?: string;
}

export interface AnalyzeBundleResult {
  readonly runId: number;
  readonly status: 'ok' | 'warn';
  readonly totals: BundleTotals;
  readonly symbols: Record<string, SymbolMetrics>;
}

/**
 * Analyses a csv-daily bundle and records it as a new analysis run (history is kept; the newest ok/warn run is
 * current). Symbols are written in batched transactions as they finish. On failure or cancellation the run is marked
 * `failed` and the error is rethrown (CANCELLED on abort; unknown faults become INTERNAL with the cause attached).
 */
export async function analyzeBundle(options: AnalyzeBundleOptions, ctx: StageContext): Promise<AnalyzeBundleResult> {
  const now = options.now ?? (() => new Date());
  const workers = options.workers ?? defaultWorkerCount();
  const { store } = options;
  const runId = store.startRun({
    taskId: options.taskId ?? null,
    bundlePath: options.bundleDir,
    analyzerVersion: ANALYZER_VERSION,
    params: { limitRules: LIMIT_RULES_VERSION, staleRunMin: 5, thinRatio: 0.8, frozenRatio: 0.9, workers },
    startedAt: now().toISOString(),
  });
  ctx.log('INFO', `Analysis run ${runId} started.`);
  let batch: SymbolAnalysis[] = [];
  try {
    const analysis = await runBundleAnalysis(options.bundleDir, ctx, {
      workers,
      tempDir: options.tempDir,
      lowerPriority: true,
      onSymbol: (result) => {
        batch.push(result);
        if (batch.length >= WRITE_BATCH) {
          store.writeSymbols(runId, batch);
          batch = [];
        }
      },
    });
    store.writeSymbols(runId, batch);
    batch = [];
    const status = store.finishRun(runId, analysis, now().toISOString());
    ctx.log('INFO', `Analysis run ${runId} finished (${status}): ${analysis.totals.symbol_count} symbols.`);
    return { runId, status, totals: analysis.totals, symbols: analysis.symbols };
  } catch (error) {
    const appError = isAppError(error)
      ? error
      : new AppError(ErrorCode.Internal, 'The analysis failed.', { cause: error });
    store.failRun(runId, appError.code, appError.message, now().toISOString());
    ctx.log(
      appError.code === ErrorCode.Cancelled ? 'WARNING' : 'ERROR',
      `Analysis run ${runId} failed: ${appError.message}`,
    );
    throw appError;
  }
}

/**
 * The same analysis without a database: for the CLI and for tests. `onSymbol` sees each symbol's whole analysis (its
 * sampled issues too) as it finishes.
 */
export async function analyzeBundleToSummary(
  bundle: BundleInput,
  ctx: StageContext,
  options: { workers?: number; onSymbol?: (result: SymbolAnalysis) => void } = {},
): Promise<BundleSummary> {
  const analysis = await runBundleAnalysis(bundle, ctx, {
    workers: options.workers ?? defaultWorkerCount(),
    onSymbol: options.onSymbol,
  });
  return {
    format: analysis.format,
    calendar_source: analysis.calendarSource,
    bundle: analysis.totals,
    symbols: analysis.symbols,
  };
}
