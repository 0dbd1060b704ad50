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
  'declared_actions',
] as const;

export type SymbolCountMetric = (typeof SYMBOL_COUNT_METRICS)[number];

export const BUNDLE_ONLY_METRICS = [
  'symbol_count',
  'delisted_symbols',
  'late_listed_symbols',
  'empty_calendar_days',
  'thin_days',
  'frozen_days',
  'cn_a_rule_symbols',
  'generic_rule_symbols',
] as const;

export type BundleOnlyMetric = (typeof BUNDLE_ONLY_METRICS)[number];

/**
 * Which limit rules a symbol was checked against: `cn-a` is the A-share board table (src/analysis/limitRules.ts),
 * `generic` the rule for every other symbol (a breach is a close more than 50% away from its reference).
 */
export type RuleSet = 'cn-a' | 'generic';

/** Counts as the analyzer keeps them while it works: every metric a plain number. */
export type SymbolCounts = Record<SymbolCountMetric, number>;

/**
 * Per-symbol metrics: exact counts plus the first and last present calendar date (`YYYY-MM-DD`) and the rule set.
 * `rows_written` is every non-blank data line after the header (bad rows included; for qlib binary, every day with
 * data); `unsorted` is 0 or 1; `first_date`/`last_date` are the first and last calendar days with any row (a
 * parse-error row with a readable date counts as present). A count is null when the bundle's format cannot express
 * it (qlib binary has no parse errors, duplicates, off-calendar rows, row order or declared actions).
 */
export type SymbolMetrics = Record<SymbolCountMetric, number | null> & {
  first_date: string | null;
  last_date: string | null;
  rule_set: RuleSet;
};

/**
 * Bundle totals: every per-symbol count summed (null when it is null for every symbol), except `unsorted` (number of
 * unsorted files) and `longest_gap` (the maximum); dates are the min/max; plus the bundle-only metrics.
 */
export type BundleTotals = Omit<SymbolMetrics, 'rule_set'> & Record<BundleOnlyMetric, number>;

export type BundleFormat = 'csv-daily' | 'qlib-bin';
export type CalendarSource = 'bundle' | 'derived';

/** The `--json` summary and the generator's expected.json share this shape. */
export interface BundleSummary {
  format: BundleFormat;
  calendar_source: CalendarSource;
  bundle: BundleTotals;
  symbols: Record<string, SymbolMetrics>;
}

/**
 * Zero counts. Written out as a literal (the type checks that every metric is there) so the object keeps V8's fast
 * properties: built key by key in a loop it became a dictionary, and the per-row increments paid for a hash lookup.
 */
export function createEmptySymbolCounts(): SymbolCounts {
  return {
    rows_written: 0,
    parse_error_rows: 0,
    duplicate_rows: 0,
    conflicting_duplicates: 0,
    out_of_calendar_rows: 0,
    non_positive_price_rows: 0,
    ohlc_violations: 0,
    vwap_out_of_range_rows: 0,
    zero_volume_rows: 0,
    suspended_fill_rows: 0,
    missing_days: 0,
    gap_count: 0,
    longest_gap: 0,
    unsorted: 0,
    repeated_rows: 0,
    stale_runs: 0,
    limit_breaches: 0,
    limit_up_hits: 0,
    limit_down_hits: 0,
    split_candidates: 0,
    adj_factor_changes: 0,
    declared_actions: 0,
  };
}

/** Metrics from counts: the names in `notApplicable` become null. */
export function toSymbolMetrics(
  counts: SymbolCounts,
  dates: { first: string | null; last: string | null },
  ruleSet: RuleSet,
  notApplicable: readonly SymbolCountMetric[] = [],
): SymbolMetrics {
  // Copied onto a fresh literal, every symbol's metrics share one hidden class: spreading the counts into a new object
  // measured three times slower per call (about 20 ms of a worker's time on a 2,000-symbol bundle).
  const metrics = Object.assign(createEmptySymbolCounts(), counts) as SymbolMetrics;
  metrics.first_date = dates.first;
  metrics.last_date = dates.last;
  metrics.rule_set = ruleSet;
  for (const name of notApplicable) metrics[name] = null;
  return metrics;
}

/** Folds per-symbol metrics into bundle totals; the bundle-only metrics other than the counts are set by the caller. */
export function sumSymbolMetrics(all: Iterable<SymbolMetrics>): BundleTotals {
  const totals = { first_date: null, last_date: null } as BundleTotals;
  for (const name of SYMBOL_COUNT_METRICS) totals[name] = null;
  for (const name of BUNDLE_ONLY_METRICS) totals[name] = 0;
  for (const metrics of all) {
    totals.symbol_count += 1;
    if (metrics.rule_set === 'cn-a') totals.cn_a_rule_symbols += 1;
    else totals.generic_rule_symbols += 1;
    for (const name of SYMBOL_COUNT_METRICS) {
      const value = metrics[name];
      if (value === null) continue;
      const total = totals[name] ?? 0;
      totals[name] = name === 'longest_gap' ? Math.max(total, value) : total + value;
    }
    totals.first_date = minDate(totals.first_date, metrics.first_date);
    totals.last_date = maxDate(totals.last_date, metrics.last_date);
  }
  // An empty bundle still reports zeros rather than "not applicable".
  if (totals.symbol_count === 0) for (const name of SYMBOL_COUNT_METRICS) totals[name] = 0;
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
