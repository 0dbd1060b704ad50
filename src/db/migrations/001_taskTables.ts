import type { Migration } from '../migration';

// GLOB patterns, spelled out once so the CHECKs below stay readable. Timestamps are fixed-width
// `YYYY-MM-DDTHH:MM:SS.sssZ` (Date#toISOString), which makes text comparison equal time comparison.
const HEX = '[0-9a-f]';
export const UUID_V4 = `${HEX.repeat(8)}-${HEX.repeat(4)}-4${HEX.repeat(3)}-[89ab]${HEX.repeat(3)}-${HEX.repeat(12)}`;
const D = '[0-9]';
export const ISO_UTC = `${D.repeat(4)}-${D}${D}-${D}${D}T${D}${D}:${D}${D}:${D}${D}.${D.repeat(3)}Z`;
export const isoOrNull = (column: string): string => `CHECK (${column} IS NULL OR ${column} GLOB '${ISO_UTC}')`;
const STAGES = `'download', 'unzip', 'analyze'`;

/** The task and task-log tables. The partial unique index is the mutex: at most one pending-or-running task. */
export const taskTablesMigration: Migration = {
  version: 1,
  name: 'task tables',
  sql: `
CREATE TABLE market_data_tasks (
  task_id             TEXT    NOT NULL PRIMARY KEY CHECK (task_id GLOB '${UUID_V4}'),
  task_type           TEXT    NOT NULL CHECK (task_type IN ('download', 'analyze')),
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
  -- The state rules hold even for raw SQL.
  CHECK ((status IN ('pending', 'running')) = (finished_at IS NULL)),
  CHECK (status <> 'pending' OR started_at IS NULL),
  CHECK (status <> 'running' OR started_at IS NOT NULL),
  CHECK (status <> 'success' OR progress = 100)
);

-- The mutex. Every active row has the same key (1), so a second pending/running row violates uniqueness.
CREATE UNIQUE INDEX market_data_tasks_one_active ON market_data_tasks ((1)) WHERE status IN ('pending', 'running');
CREATE INDEX market_data_tasks_newest_first ON market_data_tasks (created_at DESC, task_id DESC);
CREATE INDEX market_data_tasks_by_finish ON market_data_tasks (status, finished_at);
CREATE INDEX market_data_tasks_by_retry_of ON market_data_tasks (retry_of);

-- AUTOINCREMENT: ids never go back after a purge, so "logs after id N" never misses or repeats a line.
CREATE TABLE market_data_task_logs (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id   TEXT    NOT NULL REFERENCES market_data_tasks (task_id) ON DELETE CASCADE,
  timestamp TEXT    NOT NULL CHECK (timestamp GLOB '${ISO_UTC}'),
  level     TEXT    NOT NULL CHECK (level IN ('DEBUG', 'INFO', 'WARNING', 'ERROR')),
  stage     TEXT    CHECK (stage IS NULL OR stage IN (${STAGES})),
  message   TEXT    NOT NULL
);
CREATE INDEX market_data_task_logs_by_task ON market_data_task_logs (task_id, id);
`,
};
