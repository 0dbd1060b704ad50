import type { Migration } from '../migration';
import { ISO_UTC, UUID_V4, isoOrNull } from './001_taskTables';

const STAGES = `'download', 'unzip', 'analyze', 'rollback'`;

/**
 * The `rollback` task type and stage, a task's `force` flag, and what an install records for the guard: the new
 * bundle's size (so the next install compares without recounting), the generation kept in `previous/`, and which
 * install a rollback restored or replaced. SQLite cannot alter a CHECK, so both task tables are rebuilt (rows,
 * indexes and log ids kept; foreign keys are off for the step, see `rebuildsTables`).
 */
export const bundleGuardMigration: Migration = {
  version: 4,
  name: 'bundle guard',
  rebuildsTables: true,
  sql: `
CREATE TABLE market_data_tasks_v4 (
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
  -- An admin's "install even if it shrinks, or was rolled back"; only a download may carry it.
  force               INTEGER NOT NULL DEFAULT 0 CHECK (force IN (0, 1) AND (force = 0 OR task_type = 'download')),
  CHECK ((status IN ('pending', 'running')) = (finished_at IS NULL)),
  CHECK (status <> 'pending' OR started_at IS NULL),
  CHECK (status <> 'running' OR started_at IS NOT NULL),
  CHECK (status <> 'success' OR progress = 100)
);
INSERT INTO market_data_tasks_v4 (task_id, task_type, status, source, progress, stage, message, error, created_at,
                                  started_at, finished_at, retry_of, cancel_requested_at, heartbeat_at)
  SELECT task_id, task_type, status, source, progress, stage, message, error, created_at,
         started_at, finished_at, retry_of, cancel_requested_at, heartbeat_at
  FROM market_data_tasks;
DROP TABLE market_data_tasks;
ALTER TABLE market_data_tasks_v4 RENAME TO market_data_tasks;
CREATE UNIQUE INDEX market_data_tasks_one_active ON market_data_tasks ((1)) WHERE status IN ('pending', 'running');
CREATE INDEX market_data_tasks_newest_first ON market_data_tasks (created_at DESC, task_id DESC);
CREATE INDEX market_data_tasks_by_finish ON market_data_tasks (status, finished_at);
CREATE INDEX market_data_tasks_by_retry_of ON market_data_tasks (retry_of);

-- Log ids must never go back, so the AUTOINCREMENT counter moves over with the rows.
CREATE TEMP TABLE log_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'market_data_task_logs';
CREATE TABLE market_data_task_logs_v4 (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id   TEXT    NOT NULL REFERENCES market_data_tasks (task_id) ON DELETE CASCADE,
  timestamp TEXT    NOT NULL CHECK (timestamp GLOB '${ISO_UTC}'),
  level     TEXT    NOT NULL CHECK (level IN ('DEBUG', 'INFO', 'WARNING', 'ERROR')),
  stage     TEXT    CHECK (stage IS NULL OR stage IN (${STAGES})),
  message   TEXT    NOT NULL
);
INSERT INTO market_data_task_logs_v4 (id, task_id, timestamp, level, stage, message)
  SELECT id, task_id, timestamp, level, stage, message FROM market_data_task_logs;
DROP TABLE market_data_task_logs;
ALTER TABLE market_data_task_logs_v4 RENAME TO market_data_task_logs;
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM temp.log_sequence), 0))
  WHERE name = 'market_data_task_logs';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'market_data_task_logs', seq FROM temp.log_sequence
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'market_data_task_logs');
DROP TABLE temp.log_sequence;
CREATE INDEX market_data_task_logs_by_task ON market_data_task_logs (task_id, id);

-- Sizes of the installed tree (null for installs recorded before this step: they are counted on disk once).
ALTER TABLE market_data_bundles ADD COLUMN layout TEXT;
ALTER TABLE market_data_bundles ADD COLUMN symbol_count INTEGER CHECK (symbol_count IS NULL OR symbol_count >= 0);
ALTER TABLE market_data_bundles ADD COLUMN row_count INTEGER CHECK (row_count IS NULL OR row_count >= 0);
ALTER TABLE market_data_bundles ADD COLUMN last_date TEXT;
ALTER TABLE market_data_bundles ADD COLUMN forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1));
-- The install whose files are in previous/ while this one is current.
ALTER TABLE market_data_bundles ADD COLUMN previous_bundle_id INTEGER REFERENCES market_data_bundles (bundle_id);
-- Set on the row a rollback wrote: the install whose files it brought back.
ALTER TABLE market_data_bundles ADD COLUMN restored_bundle_id INTEGER REFERENCES market_data_bundles (bundle_id);
-- Set on an install a rollback replaced: a download of the same archive is refused unless forced.
ALTER TABLE market_data_bundles ADD COLUMN rolled_back_at TEXT;
ALTER TABLE market_data_bundles ADD COLUMN rolled_back_by_task_id TEXT
  REFERENCES market_data_tasks (task_id) ON DELETE SET NULL;
-- Every earlier install moved the one before it to previous/.
UPDATE market_data_bundles SET previous_bundle_id =
  (SELECT max(older.bundle_id) FROM market_data_bundles older WHERE older.bundle_id < market_data_bundles.bundle_id);
CREATE INDEX market_data_bundles_by_sha256 ON market_data_bundles (sha256, bundle_id);
`,
};
