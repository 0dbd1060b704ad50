import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnSmallDisk } from '../db/runOnSmallDisk';

const dist = join(resolve(__dirname, '..', '..'), 'dist', 'src');

// Inside the mount namespace: a task database on a 2 MiB tmpfs, a filler file that takes what is left, then log lines
// until a write fails; then space is freed and the task is finished. It reports every fact the test asserts.
const CHILD = `
const { closeSync, openSync, rmSync, writeSync } = require('node:fs');
const { join } = require('node:path');
const { openDatabase } = require(join(process.env.DIST, 'db', 'openDatabase.js'));
const { createTaskStore } = require(join(process.env.DIST, 'tasks', 'taskStore.js'));
const disk = process.argv[1];
const dbPath = join(disk, 'tasks.sqlite3');
let db = openDatabase(dbPath);
let store = createTaskStore(db);
const task = store.createTask({ taskType: 'download', source: 'manual' });
store.startTask(task.task_id);
const filler = openSync(join(disk, 'filler'), 'w');
try { for (;;) writeSync(filler, Buffer.alloc(16 * 1024)); } catch (error) { if (error.code !== 'ENOSPC') throw error; }
closeSync(filler);
let acknowledged = 0;
let failure = null;
for (let i = 0; i < 100000 && failure === null; i += 1) {
  try { store.log(task.task_id, 'INFO', 'line ' + i + ' ' + 'x'.repeat(1000)); acknowledged += 1; }
  catch (error) { failure = { name: error.name, code: error.code }; }
}
let progressFailure = null;
try { store.updateProgress(task.task_id, 30, 'download', 'still going'); } catch (error) { progressFailure = error.code; }
rmSync(join(disk, 'filler'));
store.log(task.task_id, 'ERROR', 'after space came back');
store.failTask(task.task_id, 'disk was full');
db.close();
db = openDatabase(dbPath);
store = createTaskStore(db);
console.log(JSON.stringify({
  acknowledged,
  failure,
  progressFailure,
  logs: store.listLogs(task.task_id, { limit: 1000 }).length,
  status: store.getTask(task.task_id).status,
  integrity: db.pragma('integrity_check', { simple: true }),
}));
db.close();
`;

describe('the task store on a full disk', () => {
  it('refuses a write with SQLITE_FULL, loses no acknowledged row, and works again once space is freed', () => {
    const report = runOnSmallDisk(2048, CHILD, [], { DIST: dist }) as {
      acknowledged: number;
      failure: { name: string; code: string } | null;
      progressFailure: string | null;
      logs: number;
      status: string;
      integrity: string;
    };
    expect(report.failure).toEqual({ name: 'SqliteError', code: 'SQLITE_FULL' });
    expect(report.progressFailure).toBe('SQLITE_FULL');
    // Every line acknowledged before the disk filled, plus the one written after space came back.
    expect(report.logs).toBe(report.acknowledged + 1);
    expect(report.status).toBe('failed');
    expect(report.integrity).toBe('ok');
  });
});
