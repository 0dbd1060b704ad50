import type { Migration } from '../migration';

/** One row per bundle installed into `bundles/current`; the newest row describes what is installed now. */
export const bundleInstallsMigration: Migration = {
  version: 3,
  name: 'bundle installs',
  sql: `
CREATE TABLE market_data_bundles (
  bundle_id       INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id         TEXT    REFERENCES market_data_tasks (task_id) ON DELETE SET NULL,
  source_url      TEXT    NOT NULL,
  sha256          TEXT    CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
  size_bytes      INTEGER NOT NULL CHECK (size_bytes >= 0),
  etag            TEXT,
  last_modified   TEXT,
  archive_type    TEXT    NOT NULL,
  entries         INTEGER NOT NULL CHECK (entries >= 0),
  extracted_bytes INTEGER NOT NULL CHECK (extracted_bytes >= 0),
  installed_at    TEXT    NOT NULL
);
`,
};
