import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase';
import { migrations } from '../../src/db/migrations';
import { createTempDir } from './tempDatabase';

let temp: ReturnType<typeof createTempDir>;
const open: Database.Database[] = [];
beforeEach(() => {
  temp = createTempDir();
});
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  temp.cleanup();
});
function track(db: Database.Database): Database.Database {
  open.push(db);
  return db;
}

describe('AC-01 openDatabase: one configured connection per process', () => {
  it('creates missing parent directories and the database file at the given path', () => {
    const path = join(temp.dir, 'nested', 'deeper', 'market_data.sqlite3');
    track(openDatabase(path));
    expect(existsSync(path)).toBe(true);
  });

  it('turns on WAL, foreign keys, a 5 s busy timeout and synchronous NORMAL', () => {
    const db = track(openDatabase(join(temp.dir, 'a.sqlite3')));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('uses the rollback journal when asked to (for files on a network share)', () => {
    const db = track(openDatabase(join(temp.dir, 'b.sqlite3'), { journalMode: 'delete', busyTimeoutMs: 250 }));
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(250);
  });

  it('applies every migration so user_version equals the number of migrations', () => {
    const db = track(openDatabase(join(temp.dir, 'c.sqlite3')));
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    expect(tables).toEqual(expect.arrayContaining(['market_data_tasks', 'market_data_task_logs', 'analysis_runs']));
  });

  it('reopens an existing database without re-running migrations or losing rows', () => {
    const path = join(temp.dir, 'd.sqlite3');
    const first = openDatabase(path);
    first
      .prepare(
        "INSERT INTO market_data_tasks (task_id, task_type, source, created_at) VALUES (?, 'download', 'manual', ?)",
      )
      .run('0b0f6a8e-3c1d-4d2e-9f00-112233445566', '2025-01-01T00:00:00.000Z');
    first.close();
    const second = track(openDatabase(path));
    expect(second.prepare('SELECT count(*) FROM market_data_tasks').pluck().get()).toBe(1);
  });
});
