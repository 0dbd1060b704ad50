import type { Migration } from '../migration';

const COUNT_COLUMNS = [
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
];
const NULLABLE = COUNT_COLUMNS.map((name) => `  ${name} INTEGER,`).join('\n');
const COPIED = COUNT_COLUMNS.join(', ');

// The metric contract grows: `declared_actions`, the rule set a symbol was checked against (and the count of symbols
// per rule set), and counts that may be NULL when a bundle's format cannot express them (qlib binary has no parse
// errors or duplicates). SQLite cannot drop NOT NULL in place, so both metric tables are rebuilt and their rows
// copied; runs analysed before this step keep NULL declared actions (they were never looked for).
export const analysisMetricContractMigration: Migration = {
  version: 5,
  name: 'analysis metric contract: declared actions, rule sets, not-applicable metrics',
  sql: `
CREATE TABLE analysis_symbol_metrics_v5 (
  run_id                  INTEGER NOT NULL REFERENCES analysis_runs (run_id) ON DELETE CASCADE,
  symbol                  TEXT    NOT NULL,
  board                   TEXT    NOT NULL,
  rule_set                TEXT    NOT NULL CHECK (rule_set IN ('cn-a', 'generic')),
  is_st                   INTEGER NOT NULL CHECK (is_st IN (0, 1)),
  status                  TEXT    NOT NULL CHECK (status IN ('ok', 'warn', 'error')),
  is_delisted             INTEGER NOT NULL DEFAULT 0 CHECK (is_delisted IN (0, 1)),
  first_date              TEXT,
  last_date               TEXT,
  max_stale_run           INTEGER NOT NULL,
${NULLABLE}
  declared_actions        INTEGER,
  PRIMARY KEY (run_id, symbol)
);
INSERT INTO analysis_symbol_metrics_v5 (run_id, symbol, board, rule_set, is_st, status, is_delisted, first_date,
  last_date, max_stale_run, ${COPIED})
SELECT run_id, symbol, board, CASE board WHEN 'other' THEN 'generic' ELSE 'cn-a' END, is_st, status, is_delisted,
  first_date, last_date, max_stale_run, ${COPIED}
FROM analysis_symbol_metrics;
DROP TABLE analysis_symbol_metrics;
ALTER TABLE analysis_symbol_metrics_v5 RENAME TO analysis_symbol_metrics;

CREATE TABLE analysis_bundle_totals_v5 (
  run_id                  INTEGER PRIMARY KEY REFERENCES analysis_runs (run_id) ON DELETE CASCADE,
  symbol_count            INTEGER NOT NULL,
  calendar_days           INTEGER NOT NULL,
  first_date              TEXT,
  last_date               TEXT,
${NULLABLE}
  declared_actions        INTEGER,
  delisted_symbols        INTEGER NOT NULL,
  late_listed_symbols     INTEGER NOT NULL,
  empty_calendar_days     INTEGER NOT NULL,
  thin_days               INTEGER NOT NULL,
  frozen_days             INTEGER NOT NULL,
  cn_a_rule_symbols       INTEGER NOT NULL DEFAULT 0,
  generic_rule_symbols    INTEGER NOT NULL DEFAULT 0,
  symbols_ok              INTEGER NOT NULL,
  symbols_warn            INTEGER NOT NULL,
  symbols_error           INTEGER NOT NULL
);
INSERT INTO analysis_bundle_totals_v5 (run_id, symbol_count, calendar_days, first_date, last_date, ${COPIED},
  delisted_symbols, late_listed_symbols, empty_calendar_days, thin_days, frozen_days, cn_a_rule_symbols,
  generic_rule_symbols, symbols_ok, symbols_warn, symbols_error)
SELECT t.run_id, t.symbol_count, t.calendar_days, t.first_date, t.last_date, ${COUNT_COLUMNS.map((name) => `t.${name}`).join(', ')},
  t.delisted_symbols, t.late_listed_symbols, t.empty_calendar_days, t.thin_days, t.frozen_days,
  (SELECT COUNT(*) FROM analysis_symbol_metrics s WHERE s.run_id = t.run_id AND s.rule_set = 'cn-a'),
  (SELECT COUNT(*) FROM analysis_symbol_metrics s WHERE s.run_id = t.run_id AND s.rule_set = 'generic'),
  t.symbols_ok, t.symbols_warn, t.symbols_error
FROM analysis_bundle_totals t;
DROP TABLE analysis_bundle_totals;
ALTER TABLE analysis_bundle_totals_v5 RENAME TO analysis_bundle_totals;
`,
};
