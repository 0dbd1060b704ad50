import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase';
import { createTempDir } from './tempDatabase';

let temp: ReturnType<typeof createTempDir>;
let db: Database.Database;
beforeEach(() => {
  temp = createTempDir();
  db = openDatabase(join(temp.dir, 'schema.sqlite3'));
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

const ID_A = '11111111-1111-4111-8111-111111111111';
const ID_B = '22222222-2222-4222-9222-222222222222';
const T0 = '2025-03-03T10:00:00.000Z';

type Row = Record<string, unknown>;
const base: Row = {
  task_id: ID_A,
  task_type: 'download',
  status: 'pending',
  source: 'manual',
  progress: 0,
  stage: null,
  created_at: T0,
  started_at: null,
  finished_at: null,
  retry_of: null,
};

function insertTask(row: Row): void {
  const columns = Object.keys(row);
  db.prepare(
    `INSERT INTO market_data_tasks (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
  ).run(row);
}

function columnsOf(table: string): { name: string; type: string; notnull: number; pk: number }[] {
  return db.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; pk: number }[];
}

describe('task tables on a fresh database', () => {
  it('market_data_tasks has exactly the issue’s columns, task_id as primary key', () => {
    const columns = columnsOf('market_data_tasks');
    expect(columns.map((c) => c.name)).toEqual([
      'task_id',
      'task_type',
      'status',
      'source',
      'progress',
      'stage',
      'message',
      'error',
      'created_at',
      'started_at',
      'finished_at',
      'retry_of',
      'cancel_requested_at',
      'heartbeat_at',
      'force',
    ]);
    expect(columns.find((c) => c.name === 'task_id')?.pk).toBe(1);
    expect(columns.find((c) => c.name === 'progress')?.type).toBe('INTEGER');
  });

  it('market_data_task_logs has id, task_id, timestamp, level, stage, message and a foreign key to the task', () => {
    expect(columnsOf('market_data_task_logs').map((c) => c.name)).toEqual([
      'id',
      'task_id',
      'timestamp',
      'level',
      'stage',
      'message',
    ]);
    const keys = db.pragma('foreign_key_list(market_data_task_logs)') as { table: string; from: string }[];
    expect(keys).toEqual([expect.objectContaining({ table: 'market_data_tasks', from: 'task_id' })]);
  });

  it('indexes logs by task and id, so "logs of task after id N" is an index range scan', () => {
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM market_data_task_logs WHERE task_id = ? AND id > ? ORDER BY id')
      .all(ID_A, 5) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX market_data_task_logs_by_task/);
  });

  it('accepts a well-formed pending task', () => {
    insertTask(base);
    expect(db.prepare('SELECT status, progress FROM market_data_tasks').get()).toEqual({
      status: 'pending',
      progress: 0,
    });
  });

  it('AC-03 refuses a second active task inserted with raw SQL, pending or running', () => {
    insertTask(base);
    expect(() => insertTask({ ...base, task_id: ID_B })).toThrow(
      /UNIQUE constraint failed: index 'market_data_tasks_one_active'/,
    );
    expect(() => insertTask({ ...base, task_id: ID_B, status: 'running', started_at: T0 })).toThrow(/UNIQUE/);
    // Once the first one finishes, a new active task is allowed again.
    db.prepare("UPDATE market_data_tasks SET status = 'failed', finished_at = ? WHERE task_id = ?").run(T0, ID_A);
    insertTask({ ...base, task_id: ID_B });
  });

  it('allows any number of finished tasks next to the active one', () => {
    insertTask({ ...base, status: 'success', progress: 100, started_at: T0, finished_at: T0 });
    insertTask({ ...base, task_id: ID_B, status: 'failed', finished_at: T0 });
    insertTask({ ...base, task_id: '33333333-3333-4333-a333-333333333333' });
    expect(db.prepare('SELECT count(*) FROM market_data_tasks').pluck().get()).toBe(3);
  });

  const badTasks: [string, Row][] = [
    ['a task_id that is not a lower-case UUID v4', { task_id: 'task-1' }],
    ['an upper-case task_id', { task_id: 'ABCDEF01-1111-4111-8111-111111111111' }],
    ['an unknown task_type', { task_type: 'upload' }],
    ['an unknown status', { status: 'paused' }],
    ['an unknown source', { source: 'cron' }],
    ['progress above 100', { progress: 101 }],
    ['negative progress', { progress: -1 }],
    ['fractional progress', { progress: 12.5 }],
    ['text progress', { progress: 'half' }],
    ['an unknown stage', { stage: 'verify' }],
    ['a created_at without Z', { created_at: '2025-03-03T10:00:00.000' }],
    ['a created_at with an offset', { created_at: '2025-03-03T10:00:00.000+08:00' }],
    ['a created_at in another format', { created_at: '2025-03-03 10:00:00' }],
    ['a missing created_at', { created_at: null }],
    ['a pending task with started_at', { started_at: T0 }],
    ['a running task without started_at', { status: 'running' }],
    ['a finished task without finished_at', { status: 'failed' }],
    ['an active task with finished_at', { finished_at: T0 }],
    ['a success below 100', { status: 'success', started_at: T0, finished_at: T0, progress: 99 }],
    ['a retry_of that does not exist', { retry_of: ID_B }],
  ];
  it.each(badTasks)('rejects a raw insert with %s', (_label, change) => {
    expect(() => insertTask({ ...base, ...change })).toThrow(/constraint failed/);
  });

  const badLogs: [string, Row][] = [
    ['an unknown level', { level: 'TRACE' }],
    ['a lower-case level', { level: 'info' }],
    ['an unknown stage', { stage: 'verify' }],
    ['a timestamp without Z', { timestamp: '2025-03-03T10:00:00.000' }],
    ['an unknown task', { task_id: ID_B }],
    ['no message', { message: null }],
  ];
  it.each(badLogs)('rejects a raw log insert with %s', (_label, change) => {
    insertTask(base);
    const row = { task_id: ID_A, timestamp: T0, level: 'INFO', stage: null, message: 'hello', ...change };
    expect(() =>
      db
        .prepare(
          'INSERT INTO market_data_task_logs (task_id, timestamp, level, stage, message) VALUES (@task_id, @timestamp, @level, @stage, @message)',
        )
        .run(row),
    ).toThrow(/constraint failed/);
  });

  it('deleting a task deletes its logs', () => {
    insertTask({ ...base, status: 'failed', finished_at: T0 });
    db.prepare("INSERT INTO market_data_task_logs (task_id, timestamp, level, message) VALUES (?, ?, 'INFO', 'x')").run(
      ID_A,
      T0,
    );
    db.prepare('DELETE FROM market_data_tasks WHERE task_id = ?').run(ID_A);
    expect(db.prepare('SELECT count(*) FROM market_data_task_logs').pluck().get()).toBe(0);
  });
});
