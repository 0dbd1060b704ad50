/** Stable codes of the analysis checks (issue samples carry them). */
export const CheckCode = {
  MissingColumns: 'MISSING_COLUMNS',
  ParseError: 'PARSE_ERROR',
  DuplicateDate: 'DUPLICATE_DATE',
  ConflictingDuplicate: 'CONFLICTING_DUPLICATE',
  OffCalendar: 'OFF_CALENDAR',
  NonPositivePrice: 'NON_POSITIVE_PRICE',
  OhlcViolation: 'OHLC_VIOLATION',
  VwapOutOfRange: 'VWAP_OUT_OF_RANGE',
  ZeroVolume: 'ZERO_VOLUME',
  SuspendedFill: 'SUSPENDED_FILL',
  MissingDays: 'MISSING_DAYS',
  UnsortedFile: 'UNSORTED_FILE',
  RepeatedRow: 'REPEATED_ROW',
  StaleRun: 'STALE_RUN',
  LimitBreach: 'LIMIT_BREACH',
  LimitUpHit: 'LIMIT_UP_HIT',
  LimitDownHit: 'LIMIT_DOWN_HIT',
  SplitCandidate: 'SPLIT_CANDIDATE',
  AdjFactorChange: 'ADJ_FACTOR_CHANGE',
  FieldMismatch: 'FIELD_MISMATCH',
  Delisted: 'DELISTED',
  EmptyDay: 'EMPTY_DAY',
  ThinDay: 'THIN_DAY',
  FrozenDay: 'FROZEN_DAY',
} as const;

export type CheckCode = (typeof CheckCode)[keyof typeof CheckCode];

export type Severity = 'error' | 'warn' | 'info';

export const CHECK_SEVERITY: Readonly<Record<CheckCode, Severity>> = {
  MISSING_COLUMNS: 'error',
  PARSE_ERROR: 'error',
  DUPLICATE_DATE: 'warn',
  CONFLICTING_DUPLICATE: 'error',
  OFF_CALENDAR: 'error',
  NON_POSITIVE_PRICE: 'error',
  OHLC_VIOLATION: 'error',
  VWAP_OUT_OF_RANGE: 'warn',
  ZERO_VOLUME: 'info',
  SUSPENDED_FILL: 'info',
  MISSING_DAYS: 'warn',
  UNSORTED_FILE: 'info',
  REPEATED_ROW: 'warn',
  STALE_RUN: 'warn',
  LIMIT_BREACH: 'warn',
  LIMIT_UP_HIT: 'info',
  LIMIT_DOWN_HIT: 'info',
  SPLIT_CANDIDATE: 'warn',
  ADJ_FACTOR_CHANGE: 'info',
  FIELD_MISMATCH: 'warn',
  DELISTED: 'info',
  EMPTY_DAY: 'error',
  THIN_DAY: 'warn',
  FROZEN_DAY: 'error',
};

/** One sampled offending row (or day). Counts are exact elsewhere; these are capped examples. */
export interface SampledIssue {
  readonly symbol: string | null;
  /** Day number, or -1 when the row had no usable date. */
  readonly day: number;
  readonly check: CheckCode;
  readonly line: number;
  readonly detail: string;
}

/**
 * At most this many samples per (symbol, check) and per run: the counts in the metric tables are complete, the issue
 * rows are examples, capped so a badly broken bundle cannot flood the database.
 */
export const ISSUE_SAMPLES_PER_CHECK = 50;
export const ISSUE_SAMPLES_PER_RUN = 100_000;
