import type { Migration } from '../migration';
import { ISO_UTC, UUID_V4, isoOrNull } from './001_taskTables';

const STAGES = `'download', 'unzip', 'rollback', 'diff', 'analyze'`;
const FIELDS = `'open', 'high', 'low', 'close', 'volume', 'amount', 'pre_close', 'factor'`;
const TOTALS = [
  'symbols_compared',
  'symbols_unchanged',
  'symbols_added',
  'symbols_removed',
  'symbols_restated',
  'symbols_readjusted',
  'rows_added',
  'rows_removed',
  'rows_restated',
  'days_added',
  'days_removed',
];

/**
 * The bundle diff: one row per install that says what changed against the generation it replaced (the first install
 * has none: its totals are NULL), the symbols that changed, and a few sample rows of each. A diff is written in one
 * transaction when it is complete, so an interrupted one leaves nothing behind. The `diff` stage joins the task
 * tables' stage CHECKs, which SQLite cannot alter: both are rebuilt as version 4 rebuilt them (rows, indexes and log
 * ids kept).
 */
export const bundleDiffsMigration: Migration = {
  version: 6,
  name: 'bundle diffs',
  rebuildsTables: true,
  sql: `
CREATE TABLE market_data_tasks_v6 (
  task_id             TEXT    NOT NULL PRIMARY KEY CHECK (task_id GLOB '${UUID_V4}'),
  task_type           TEXT    NOT NULL CHECK (task_type IN ('download', 'analyze', 'rollback')),
  status              TEXT    NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'running', 'success', 'failed', 'cancelled')),
  source              TEXT    NOT NULL CHECK (source IN ('manual', 'schedule', 'retry')),
  progress            INTEGER NOT NULL DEFAULT 0
                              CHECK (typeof(progress) = 'integer' AND progress BETWEEN 0 AND 100),
  stage               TEXT    CHECK (stage IS NULL OR stage IN (${STAGES})),
  message             TEXT,
  error               TEXT,
  created_at          TEXT    NOT NULL CHECK (created_at GLOB '${ISO_UTC}'),
  started_at          TEXT    ${isoOrNull('started_at')},
  finished_at         TEXT    ${isoOrNull('finished_at')},
  retry_of            TEXT    REFERENCES market_data_tasks (task_id) ON DELETE SET NULL,
  cancel_requested_at TEXT    ${isoOrNull('cancel_requested_at')},
  heartbeat_at        TEXT    ${isoOrNull('heartbeat_at')},
  force               INTEGER NOT NULL DEFAULT 0 CHECK (force IN (0, 1) AND (force = 0 OR task_type = 'download')),
  CHECK ((status IN ('pending', 'running')) = (finished_at IS NULL)),
  CHECK (status <> 'pending' OR started_at IS NULL),
  CHECK (status <> 'running' OR started_at IS NOT NULL),
  CHECK (status <> 'success' OR progress = 100)
);
INSERT INTO market_data_tasks_v6 SELECT task_id, task_type, status, source, progress, stage, message, error, created_at,
  started_at, finished_at, retry_of, cancel_requested_at, heartbeat_at, force FROM market_data_tasks;
DROP TABLE market_data_tasks;
ALTER TABLE market_data_tasks_v6 RENAME TO market_data_tasks;
CREATE UNIQUE INDEX market_data_tasks_one_active ON market_data_tasks ((1)) WHERE status IN ('pending', 'running');
CREATE INDEX market_data_tasks_newest_first ON market_data_tasks (created_at DESC, task_id DESC);
CREATE INDEX market_data_tasks_by_finish ON market_data_tasks (status, finished_at);
CREATE INDEX market_data_tasks_by_retry_of ON market_data_tasks (retry_of);

-- Log ids must never go back, so the AUTOINCREMENT counter moves over with the rows.
CREATE TEMP TABLE log_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'market_data_task_logs';
CREATE TABLE market_data_task_logs_v6 (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id   TEXT    NOT NULL REFERENCES market_data_tasks (task_id) ON DELETE CASCADE,
  timestamp TEXT    NOT NULL CHECK (timestamp GLOB '${ISO_UTC}'),
  level     TEXT    NOT NULL CHECK (level IN ('DEBUG', 'INFO', 'WARNING', 'ERROR')),
  stage     TEXT    CHECK (stage IS NULL OR stage IN (${STAGES})),
  message   TEXT    NOT NULL
);
INSERT INTO market_data_task_logs_v6 (id, task_id, timestamp, level, stage, message)
  SELECT id, task_id, timestamp, level, stage, message FROM market_data_task_logs;
DROP TABLE market_data_task_logs;
ALTER TABLE market_data_task_logs_v6 RENAME TO market_data_task_logs;
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM temp.log_sequence), 0))
  WHERE name = 'market_data_task_logs';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'market_data_task_logs', seq FROM temp.log_sequence
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'market_data_task_logs');
DROP TABLE temp.log_sequence;
CREATE INDEX market_data_task_logs_by_task ON market_data_task_logs (task_id, id);

CREATE TABLE market_data_bundle_diffs (
  diff_id        INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id        TEXT    REFERENCES market_data_tasks (task_id) ON DELETE SET NULL,
  -- The install compared with (NULL for a first install: nothing to compare with) and the one it describes.
  from_bundle_id INTEGER REFERENCES market_data_bundles (bundle_id),
  to_bundle_id   INTEGER NOT NULL REFERENCES market_data_bundles (bundle_id),
  from_format    TEXT,
  to_format      TEXT,
  created_at     TEXT    NOT NULL CHECK (created_at GLOB '${ISO_UTC}'),
  seconds        REAL    CHECK (seconds IS NULL OR seconds >= 0),
${TOTALS.map((name) => `  ${name} INTEGER CHECK (${name} IS NULL OR ${name} >= 0),`).join('\n')}
  CHECK ((from_bundle_id IS NULL) = (symbols_compared IS NULL))
);
-- One diff per install: a stage run again after a crash finds it and does not write a second.
CREATE UNIQUE INDEX market_data_bundle_diffs_by_install ON market_data_bundle_diffs (to_bundle_id);

CREATE TABLE market_data_bundle_diff_symbols (
  diff_id             INTEGER NOT NULL REFERENCES market_data_bundle_diffs (diff_id) ON DELETE CASCADE,
  symbol              TEXT    NOT NULL,
  change              TEXT    NOT NULL CHECK (change IN ('added', 'removed', 'changed')),
  rows_added          INTEGER NOT NULL CHECK (rows_added >= 0),
  rows_removed        INTEGER NOT NULL CHECK (rows_removed >= 0),
  rows_restated       INTEGER NOT NULL CHECK (rows_restated >= 0),
  readjusted          INTEGER NOT NULL CHECK (readjusted IN (0, 1)),
  readjust_ratio      REAL    CHECK ((readjusted = 1) = (readjust_ratio IS NOT NULL)),
  first_restated_date TEXT,
  last_restated_date  TEXT,
  PRIMARY KEY (diff_id, symbol)
);

CREATE TABLE market_data_bundle_diff_samples (
  diff_id    INTEGER NOT NULL,
  symbol     TEXT    NOT NULL,
  trade_date TEXT    NOT NULL,
  field      TEXT    NOT NULL CHECK (field IN (${FIELDS})),
  old_value  REAL,
  new_value  REAL,
  FOREIGN KEY (diff_id, symbol) REFERENCES market_data_bundle_diff_symbols (diff_id, symbol) ON DELETE CASCADE
);
CREATE INDEX market_data_bundle_diff_samples_by_symbol ON market_data_bundle_diff_samples (diff_id, symbol);
`,
};
