import type { Migration } from '../migration';

// Analysis results keyed by run, so a re-analysis keeps history; the newest run with status ok/warn is the current
// one. Counts are exact and live in columns named after the metric contract (src/analysis/metricNames.ts), so the API
// can sort and filter on them; analysis_issues holds capped samples only.
export const analysisTablesMigration: Migration = {
  version: 2,
  name: 'analysis tables',
  sql: `
CREATE TABLE analysis_runs (
  run_id            INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id           TEXT,
  bundle_path       TEXT    NOT NULL,
  bundle_format     TEXT    NOT NULL DEFAULT 'csv-daily',
  layout            TEXT,
  market            TEXT    NOT NULL DEFAULT 'CN-A',
  encoding          TEXT,
  calendar_source   TEXT    CHECK (calendar_source IN ('bundle', 'derived')),
  analyzer_version  TEXT    NOT NULL,
  params_json       TEXT    NOT NULL,
  started_at        TEXT    NOT NULL,
  finished_at       TEXT,
  status            TEXT    NOT NULL CHECK (status IN ('running', 'ok', 'warn', 'failed')),
  error_code        TEXT,
  error_message     TEXT
);
CREATE INDEX analysis_runs_by_status ON analysis_runs (status, run_id);
CREATE INDEX analysis_runs_by_task ON analysis_runs (task_id);

CREATE TABLE analysis_bundle_totals (
  run_id                  INTEGER PRIMARY KEY REFERENCES analysis_runs (run_id) ON DELETE CASCADE,
  symbol_count            INTEGER NOT NULL,
  calendar_days           INTEGER NOT NULL,
  first_date              TEXT,
  last_date               TEXT,
  rows_written            INTEGER NOT NULL,
  parse_error_rows        INTEGER NOT NULL,
  duplicate_rows          INTEGER NOT NULL,
  conflicting_duplicates  INTEGER NOT NULL,
  out_of_calendar_rows    INTEGER NOT NULL,
  non_positive_price_rows INTEGER NOT NULL,
  ohlc_violations         INTEGER NOT NULL,
  vwap_out_of_range_rows  INTEGER NOT NULL,
  zero_volume_rows        INTEGER NOT NULL,
  suspended_fill_rows     INTEGER NOT NULL,
  missing_days            INTEGER NOT NULL,
  gap_count               INTEGER NOT NULL,
  longest_gap             INTEGER NOT NULL,
  unsorted                INTEGER NOT NULL,
  repeated_rows           INTEGER NOT NULL,
  stale_runs              INTEGER NOT NULL,
  limit_breaches          INTEGER NOT NULL,
  limit_up_hits           INTEGER NOT NULL,
  limit_down_hits         INTEGER NOT NULL,
  split_candidates        INTEGER NOT NULL,
  adj_factor_changes      INTEGER NOT NULL,
  delisted_symbols        INTEGER NOT NULL,
  late_listed_symbols     INTEGER NOT NULL,
  empty_calendar_days     INTEGER NOT NULL,
  thin_days               INTEGER NOT NULL,
  frozen_days             INTEGER NOT NULL,
  symbols_ok              INTEGER NOT NULL,
  symbols_warn            INTEGER NOT NULL,
  symbols_error           INTEGER NOT NULL
);

CREATE TABLE analysis_symbol_metrics (
  run_id                  INTEGER NOT NULL REFERENCES analysis_runs (run_id) ON DELETE CASCADE,
  symbol                  TEXT    NOT NULL,
  board                   TEXT    NOT NULL,
  is_st                   INTEGER NOT NULL CHECK (is_st IN (0, 1)),
  status                  TEXT    NOT NULL CHECK (status IN ('ok', 'warn', 'error')),
  is_delisted             INTEGER NOT NULL DEFAULT 0 CHECK (is_delisted IN (0, 1)),
  first_date              TEXT,
  last_date               TEXT,
  rows_written            INTEGER NOT NULL,
  parse_error_rows        INTEGER NOT NULL,
  duplicate_rows          INTEGER NOT NULL,
  conflicting_duplicates  INTEGER NOT NULL,
  out_of_calendar_rows    INTEGER NOT NULL,
  non_positive_price_rows INTEGER NOT NULL,
  ohlc_violations         INTEGER NOT NULL,
  vwap_out_of_range_rows  INTEGER NOT NULL,
  zero_volume_rows        INTEGER NOT NULL,
  suspended_fill_rows     INTEGER NOT NULL,
  missing_days            INTEGER NOT NULL,
  gap_count               INTEGER NOT NULL,
  longest_gap             INTEGER NOT NULL,
  unsorted                INTEGER NOT NULL,
  repeated_rows           INTEGER NOT NULL,
  stale_runs              INTEGER NOT NULL,
  max_stale_run           INTEGER NOT NULL,
  limit_breaches          INTEGER NOT NULL,
  limit_up_hits           INTEGER NOT NULL,
  limit_down_hits         INTEGER NOT NULL,
  split_candidates        INTEGER NOT NULL,
  adj_factor_changes      INTEGER NOT NULL,
  PRIMARY KEY (run_id, symbol)
);

CREATE TABLE analysis_date_stats (
  run_id            INTEGER NOT NULL REFERENCES analysis_runs (run_id) ON DELETE CASCADE,
  trade_date        TEXT    NOT NULL,
  symbol_count      INTEGER NOT NULL,
  zero_volume_count INTEGER NOT NULL,
  limit_up_count    INTEGER NOT NULL,
  limit_down_count  INTEGER NOT NULL,
  repeated_fraction REAL,
  flags             TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, trade_date)
);

CREATE TABLE analysis_issues (
  issue_id   INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id     INTEGER NOT NULL REFERENCES analysis_runs (run_id) ON DELETE CASCADE,
  symbol     TEXT,
  trade_date TEXT,
  check_code TEXT    NOT NULL,
  severity   TEXT    NOT NULL CHECK (severity IN ('error', 'warn', 'info')),
  line_no    INTEGER,
  detail     TEXT
);
CREATE INDEX analysis_issues_by_check ON analysis_issues (run_id, check_code);
CREATE INDEX analysis_issues_by_symbol ON analysis_issues (run_id, symbol);
`,
};
