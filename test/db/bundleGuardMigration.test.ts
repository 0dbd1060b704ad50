import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase';
import { migrations } from '../../src/db/migrations';
import { createTempDir } from './tempDatabase';

let temp: ReturnType<typeof createTempDir>;
let path: string;
beforeEach(() => {
  temp = createTempDir('migration-4-');
  path = join(temp.dir, 'v3.sqlite3');
});
afterEach(() => temp.cleanup());

const ID = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const T = (minute: number) => `2025-03-03T10:${String(minute).padStart(2, '0')}:00.000Z`;

/** A version-3 database with history in it: finished, retried and running tasks, logs (the newest purged), installs. */
function createVersion3(): void {
  const db = openDatabase(path, { migrations: migrations.slice(0, 3) });
  const task = db.prepare(
    `INSERT INTO market_data_tasks (task_id, task_type, status, source, progress, stage, error, created_at, started_at,
       finished_at, retry_of, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  task.run(ID(1), 'download', 'success', 'schedule', 100, 'analyze', null, T(1), T(1), T(2), null, T(2));
  task.run(ID(2), 'analyze', 'failed', 'manual', 40, 'analyze', 'boom', T(3), T(3), T(4), null, T(4));
  task.run(ID(3), 'analyze', 'failed', 'retry', 10, 'analyze', 'boom again', T(5), T(5), T(6), ID(2), T(6));
  task.run(ID(4), 'download', 'running', 'manual', 30, 'unzip', null, T(7), T(7), null, null, T(8));
  const log = db.prepare(
    `INSERT INTO market_data_task_logs (task_id, timestamp, level, stage, message) VALUES (?, ?, 'INFO', ?, ?)`,
  );
  for (let i = 1; i <= 6; i++) log.run(ID(1 + (i % 4)), T(i), i % 2 ? 'download' : null, `line ${i}`);
  db.prepare('DELETE FROM market_data_task_logs WHERE id = 6').run();
  const install = db.prepare(
    `INSERT INTO market_data_bundles (task_id, source_url, sha256, size_bytes, archive_type, entries, extracted_bytes,
       installed_at) VALUES (?, 'https://example.test/b.zip', ?, 10, 'zip', 3, 30, ?)`,
  );
  install.run(ID(1), 'a'.repeat(64), T(2));
  install.run(null, 'b'.repeat(64), T(9));
  install.run(ID(4), 'c'.repeat(64), T(10));
  db.close();
}

function snapshot(db: Database.Database) {
  return {
    tasks: db
      .prepare(
        `SELECT task_id, task_type, status, source, progress, stage, message, error, created_at, started_at,
                finished_at, retry_of, cancel_requested_at, heartbeat_at FROM market_data_tasks ORDER BY task_id`,
      )
      .all(),
    logs: db.prepare('SELECT * FROM market_data_task_logs ORDER BY id').all(),
    installs: db
      .prepare(
        `SELECT bundle_id, task_id, source_url, sha256, size_bytes, etag, last_modified, archive_type, entries,
                extracted_bytes, installed_at FROM market_data_bundles ORDER BY bundle_id`,
      )
      .all(),
  };
}

describe('migration 4 (bundle guard) on a database created at version 3', () => {
  it('keeps every task, log and install, log ids included, and adds the new columns', () => {
    createVersion3();
    const before = (() => {
      const db = openDatabase(path, { migrations: migrations.slice(0, 3) });
      try {
        return snapshot(db);
      } finally {
        db.close();
      }
    })();
    const db = openDatabase(path, { migrations: migrations.slice(0, 4) });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(4);
      expect(snapshot(db)).toEqual(before);
      expect(db.prepare('SELECT DISTINCT force FROM market_data_tasks').pluck().all()).toEqual([0]);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // Each install moved the one before it to previous/.
      expect(db.prepare('SELECT previous_bundle_id FROM market_data_bundles ORDER BY bundle_id').pluck().all()).toEqual(
        [null, 1, 2],
      );
      // Log 6 was purged before the migration; its id is never handed out again.
      const next = db
        .prepare(`INSERT INTO market_data_task_logs (task_id, timestamp, level, message) VALUES (?, ?, 'INFO', 'x')`)
        .run(ID(1), T(20));
      expect(next.lastInsertRowid).toBe(7);
    } finally {
      db.close();
    }
  });

  it('keeps the one-active-task index, the cascades and the set-null references working', () => {
    createVersion3();
    const db = openDatabase(path);
    try {
      expect(() =>
        db
          .prepare(
            `INSERT INTO market_data_tasks (task_id, task_type, source, created_at) VALUES (?, 'analyze', 'manual', ?)`,
          )
          .run(ID(5), T(30)),
      ).toThrow(/UNIQUE constraint failed: index 'market_data_tasks_one_active'/);
      db.prepare('DELETE FROM market_data_tasks WHERE task_id = ?').run(ID(2));
      expect(db.prepare('SELECT retry_of FROM market_data_tasks WHERE task_id = ?').pluck().get(ID(3))).toBeNull();
      expect(db.prepare('SELECT count(*) FROM market_data_task_logs WHERE task_id = ?').pluck().get(ID(2))).toBe(0);
      db.prepare('DELETE FROM market_data_tasks WHERE task_id = ?').run(ID(1));
      expect(db.prepare('SELECT task_id FROM market_data_bundles WHERE bundle_id = 1').pluck().get()).toBeNull();
      const indexes = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'market_data_%' ORDER BY name")
        .pluck()
        .all();
      expect(indexes).toEqual([
        'market_data_bundle_diff_samples_by_symbol',
        'market_data_bundle_diffs_by_install',
        'market_data_bundles_by_sha256',
        'market_data_task_logs_by_task',
        'market_data_tasks_by_finish',
        'market_data_tasks_by_retry_of',
        'market_data_tasks_newest_first',
        'market_data_tasks_one_active',
      ]);
    } finally {
      db.close();
    }
  });

  it('accepts the rollback type and stage, and force only on a download', () => {
    const db = openDatabase(path);
    try {
      const insert = db.prepare(
        `INSERT INTO market_data_tasks (task_id, task_type, status, source, progress, stage, created_at, started_at, finished_at,
           force) VALUES (?, ?, 'success', 'manual', 100, ?, ?, ?, ?, ?)`,
      );
      const finished = (id: string, type: string, stage: string, force: number) =>
        db.transaction(() => {
          insert.run(id, type, stage, T(1), T(1), T(2), force);
          db.prepare(
            `INSERT INTO market_data_task_logs (task_id, timestamp, level, stage, message) VALUES (?, ?, 'INFO', ?, 'x')`,
          ).run(id, T(2), stage);
        })();
      expect(() => finished(ID(1), 'rollback', 'rollback', 0)).not.toThrow();
      expect(() => finished(ID(2), 'download', 'unzip', 1)).not.toThrow();
      expect(() => finished(ID(3), 'analyze', 'analyze', 1)).toThrow(/CHECK constraint failed/);
      expect(() => finished(ID(4), 'upload', 'analyze', 0)).toThrow(/CHECK constraint failed/);
    } finally {
      db.close();
    }
  });
});
