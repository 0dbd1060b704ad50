import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiffStore } from '../../src/analysis/diff/createDiffStore';
import { getBundleDiff, getDiffSymbol, listDiffSymbols } from '../../src/analysis/diff/readBundleDiffs';
import { migrations } from '../../src/db/migrations';
import { openDatabase } from '../../src/db/openDatabase';
import { createTempDir } from './tempDatabase';

let temp: ReturnType<typeof createTempDir>;
let path: string;
beforeEach(() => {
  temp = createTempDir('migration-6-');
  path = join(temp.dir, 'v5.sqlite3');
});
afterEach(() => temp.cleanup());

const ID = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const T = (minute: number) => `2026-03-03T10:${String(minute).padStart(2, '0')}:00.000Z`;

/** A version-5 database with tasks in every stage, logs (the newest purged) and two installs. */
function createVersion5(): void {
  const db = openDatabase(path, { migrations: migrations.slice(0, 5) });
  const task = db.prepare(
    `INSERT INTO market_data_tasks (task_id, task_type, status, source, progress, stage, created_at, started_at,
       finished_at, retry_of, force) VALUES (?, ?, ?, 'manual', ?, ?, ?, ?, ?, ?, ?)`,
  );
  task.run(ID(1), 'download', 'success', 100, 'analyze', T(1), T(1), T(2), null, 1);
  task.run(ID(2), 'rollback', 'failed', 5, 'rollback', T(3), T(3), T(4), null, 0);
  task.run(ID(3), 'download', 'running', 62, 'unzip', T(5), T(5), null, null, 0);
  const log = db.prepare(
    `INSERT INTO market_data_task_logs (task_id, timestamp, level, stage, message) VALUES (?, ?, 'INFO', ?, ?)`,
  );
  for (let i = 1; i <= 5; i++) log.run(ID(1 + (i % 3)), T(i), i % 2 ? 'unzip' : null, `line ${i}`);
  db.prepare('DELETE FROM market_data_task_logs WHERE id = 5').run();
  const install = db.prepare(
    `INSERT INTO market_data_bundles (task_id, source_url, sha256, size_bytes, archive_type, entries, extracted_bytes,
       installed_at) VALUES (?, 'https://example.test/b.zip', ?, 10, 'zip', 3, 30, ?)`,
  );
  install.run(ID(1), 'a'.repeat(64), T(2));
  install.run(ID(3), 'b'.repeat(64), T(6));
  db.close();
}

function snapshot(db: Database.Database) {
  return {
    tasks: db.prepare('SELECT * FROM market_data_tasks ORDER BY task_id').all(),
    logs: db.prepare('SELECT * FROM market_data_task_logs ORDER BY id').all(),
    installs: db.prepare('SELECT * FROM market_data_bundles ORDER BY bundle_id').all(),
  };
}

describe('migration 6 (bundle diffs) on a database created at version 5', () => {
  it('keeps every task, log and install (log ids included) and accepts the diff stage', () => {
    createVersion5();
    const before = snapshot(openDatabase(path, { migrations: migrations.slice(0, 5) }));
    const db = openDatabase(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(6);
      expect(snapshot(db)).toEqual(before);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.prepare(`UPDATE market_data_tasks SET stage = 'diff', progress = 71 WHERE task_id = ?`).run(ID(3));
      const next = db
        .prepare(
          `INSERT INTO market_data_task_logs (task_id, timestamp, level, stage, message) VALUES (?, ?, 'INFO', 'diff', 'x')`,
        )
        .run(ID(3), T(20));
      expect(next.lastInsertRowid).toBe(6); // 5 was purged: its id is never handed out again
      expect(() => db.prepare(`UPDATE market_data_tasks SET stage = 'compare' WHERE task_id = ?`).run(ID(3))).toThrow(
        /CHECK constraint/,
      );
      expect(() =>
        db
          .prepare(
            `INSERT INTO market_data_tasks (task_id, task_type, source, created_at) VALUES (?, 'analyze', 'manual', ?)`,
          )
          .run(ID(4), T(30)),
      ).toThrow(/UNIQUE constraint failed: index 'market_data_tasks_one_active'/);
    } finally {
      db.close();
    }
  });

  it('stores a diff whole, one per install, and a first install without totals', () => {
    createVersion5();
    const db = openDatabase(path);
    try {
      const store = createDiffStore(db);
      const first = store.recordDiff({
        taskId: ID(1),
        fromBundleId: null,
        toBundleId: 1,
        diff: null,
        createdAt: T(7),
        seconds: null,
      });
      expect(getBundleDiff(db)).toMatchObject({ diff_id: first, from: null, totals: null, to: { bundle_id: 1 } });
      const totals = {
        symbols_compared: 2,
        symbols_unchanged: 0,
        symbols_added: 0,
        symbols_removed: 1,
        symbols_restated: 1,
        symbols_readjusted: 1,
        rows_added: 4,
        rows_removed: 30,
        rows_restated: 1,
        days_added: 2,
        days_removed: 0,
      };
      const samples = [{ trade_date: '2026-01-05', field: 'close' as const, old: 10.5, new: 10.51 }];
      const symbol = {
        rows_added: 2,
        rows_removed: 0,
        rows_restated: 0,
        first_restated_date: null,
        last_restated_date: null,
      };
      const second = store.recordDiff({
        taskId: ID(3),
        fromBundleId: 1,
        toBundleId: 2,
        createdAt: T(8),
        seconds: 0.5,
        diff: {
          from: { format: 'csv-daily', layout: 'per-symbol' },
          to: { format: 'qlib-bin', layout: 'qlib' },
          totals,
          symbols: [
            { ...symbol, symbol: 'A', change: 'changed', readjusted: true, readjust_ratio: 1.25, samples: [] },
            {
              ...symbol,
              symbol: 'B',
              change: 'changed',
              readjusted: false,
              readjust_ratio: null,
              rows_restated: 1,
              first_restated_date: '2026-01-05',
              last_restated_date: '2026-01-05',
              samples,
            },
            {
              ...symbol,
              symbol: 'C',
              change: 'removed',
              rows_added: 0,
              rows_removed: 30,
              readjusted: false,
              readjust_ratio: null,
              samples: [],
            },
          ],
        },
      });
      expect(getBundleDiff(db)).toMatchObject({
        diff_id: second,
        from: { bundle_id: 1, format: 'csv-daily', checksum: 'a'.repeat(64), restored: false },
        to: { bundle_id: 2, format: 'qlib-bin', installed_by_task_id: ID(3) },
        totals,
      });
      expect(getBundleDiff(db, first)?.totals).toBeNull();
      const page = listDiffSymbols(db, second, { sort: '-rows_restated', limit: 10, offset: 0 });
      expect(page.items.map((item) => item.symbol)).toEqual(['B', 'A', 'C']);
      expect(listDiffSymbols(db, second, { sort: 'symbol', change: 'readjusted', limit: 10, offset: 0 }).items).toEqual(
        [expect.objectContaining({ symbol: 'A', readjusted: true, readjust_ratio: 1.25 })],
      );
      expect(getDiffSymbol(db, second, 'B')?.samples).toEqual(samples);
      expect(getDiffSymbol(db, second, 'Z')).toBeNull();
      // One diff per install, and the first install's diff has no totals while a later one must have them.
      expect(() =>
        store.recordDiff({ taskId: null, fromBundleId: 1, toBundleId: 2, diff: null, createdAt: T(9), seconds: null }),
      ).toThrow(/UNIQUE|CHECK/);
      expect(store.findDiffOf(2)).toBe(second);
      expect(store.findDiffOf(3)).toBeNull();
    } finally {
      db.close();
    }
  });
});
