/**
 * The metric names are a contract shared by the CLI, the API, the dashboard and the generator's expected.json.
 * Renaming one is a breaking change.
 */
export const SYMBOL_COUNT_METRICS = [
  'rows_written',
  'parse_error_rows',
  'duplicate_rows',
  'conflicting_duplicates',
  'out_of_calendar_rows',
  'non_positive_price_rows',
  'ohlc_violations',
  'vwap_out_of_range_rows',
  'zero_volume_rows',
  'suspended_fill_rows',
  'missing_days',
  'gap_count',
  'longest_gap',
  'unsorted',
  'repeated_rows',
  'stale_runs',
  'limit_breaches',
  'limit_up_hits',
  'limit_down_hits',
  'split_candidates',
  'adj_factor_changes',
] as const;

export type SymbolCountMetric = (typeof SYMBOL_COUNT_METRICS)[number];

export const BUNDLE_ONLY_METRICS = [
  'symbol_count',
  'delisted_symbols',
  'late_listed_symbols',
  'empty_calendar_days',
  'thin_days',
  'frozen_days',
] as const;

export type BundleOnlyMetric = (typeof BUNDLE_ONLY_METRICS)[number];

/**
 * Per-symbol metrics: exact counts plus the first and last present calendar date (`YYYY-MM-DD`). `rows_written` is
 * every non-blank data line after the header (bad rows included); `unsorted` is 0 or 1; `first_date`/`last_date` are
 * the first and last calendar days with any row (a parse-error row with a readable date counts as present).
 */
export type SymbolMetrics = Record<SymbolCountMetric, number> & {
  first_date: string | null;
  last_date: string | null;
};

/**
 * Bundle totals: every per-symbol count summed, except `unsorted` (number of unsorted files, the same as the sum of
 * 0/1 flags) and `longest_gap` (the maximum); dates are the min/max; plus the bundle-only metrics.
 */
export type BundleTotals = SymbolMetrics & Record<BundleOnlyMetric, number>;

/** The `--json` summary and the generator's expected.json share this shape. */
export interface BundleSummary {
  bundle: BundleTotals;
  symbols: Record<string, SymbolMetrics>;
}

export function createEmptySymbolMetrics(): SymbolMetrics {
  const metrics = { first_date: null, last_date: null } as SymbolMetrics;
  for (const name of SYMBOL_COUNT_METRICS) metrics[name] = 0;
  return metrics;
}

/** Folds per-symbol metrics into bundle totals; the bundle-only metrics are set by the caller. */
export function sumSymbolMetrics(all: Iterable<SymbolMetrics>): BundleTotals {
  const totals = { ...createEmptySymbolMetrics() } as BundleTotals;
  for (const name of BUNDLE_ONLY_METRICS) totals[name] = 0;
  for (const metrics of all) {
    totals.symbol_count += 1;
    for (const name of SYMBOL_COUNT_METRICS) {
      totals[name] = name === 'longest_gap' ? Math.max(totals[name], metrics[name]) : totals[name] + metrics[name];
    }
    totals.first_date = minDate(totals.first_date, metrics.first_date);
    totals.last_date = maxDate(totals.last_date, metrics.last_date);
  }
  return totals;
}

function minDate(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

function maxDate(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
