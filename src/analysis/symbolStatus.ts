import type { SymbolMetrics } from './metricNames';

export type SymbolStatus = 'ok' | 'warn' | 'error';

const ERROR_METRICS = [
  'parse_error_rows',
  'conflicting_duplicates',
  'out_of_calendar_rows',
  'non_positive_price_rows',
  'ohlc_violations',
] as const;
const WARN_METRICS = [
  'duplicate_rows',
  'vwap_out_of_range_rows',
  'missing_days',
  'repeated_rows',
  'stale_runs',
  'limit_breaches',
  'split_candidates',
] as const;

/** error: a row-integrity failure of severity error; warn: a warning-level finding; info-level findings stay ok. */
export function classifySymbolStatus(metrics: SymbolMetrics): SymbolStatus {
  // A metric the format cannot express (null) is no finding.
  if (ERROR_METRICS.some((name) => (metrics[name] ?? 0) > 0)) return 'error';
  if (WARN_METRICS.some((name) => (metrics[name] ?? 0) > 0)) return 'warn';
  return 'ok';
}
