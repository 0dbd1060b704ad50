import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../src/db/migrate';
import { migrations } from '../src/db/migrations';
import { openDatabase } from '../src/db/openDatabase';
import { createTaskStore } from '../src/tasks/taskStore';

// Progress updates and log inserts per second: our store (one connection, WAL, synchronous NORMAL, statements
// prepared once) against the story's design (a new connection per call with default pragmas: rollback journal,
// synchronous FULL; execute, commit, close). Both run here, on temp files, so the ratio compares like with like.
// Not a test: it prints numbers and never fails on them.

const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 2000);

function measure(label: string, op: (i: number) => void): number {
  for (let i = 0; i < 20; i++) op(i); // warm-up
  let done = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < MIN_MS) {
    for (let i = 0; i < 50; i++) op(done++);
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const rate = (done / elapsedMs) * 1000;
  console.log(
    `  ${label.padEnd(38)} ${rate.toFixed(0).padStart(9)} ops/s  (${done} ops in ${elapsedMs.toFixed(0)} ms)`,
  );
  return rate;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'bench-task-store-'));
  try {
    // Ours: the process's one connection.
    const db = openDatabase(join(dir, 'ours.sqlite3'));
    const store = createTaskStore(db);
    const ours = store.createTask({ taskType: 'download', source: 'manual' });
    store.startTask(ours.task_id);

    // Baseline: the schema as the story's init_database would leave it (default journal), one running task.
    const naivePath = join(dir, 'per-call.sqlite3');
    const setup = new Database(naivePath);
    migrate(setup, migrations);
    const naive = createTaskStore(setup).createTask({ taskType: 'download', source: 'manual' });
    createTaskStore(setup).startTask(naive.task_id);
    setup.close();

    function perCall(sql: string, params: unknown[]): void {
      const conn = new Database(naivePath);
      conn.prepare(sql).run(...params);
      conn.close();
    }

    console.log(`task store benchmark (each side runs >= ${MIN_MS} ms)`);
    console.log('progress updates');
    const oursProgress = measure('ours: one connection, prepared', (i) =>
      store.updateProgress(ours.task_id, i % 101, 'download', `chunk ${i}`),
    );
    const naiveProgress = measure('story: connection per call', (i) =>
      perCall('UPDATE market_data_tasks SET progress = ?, stage = ?, message = ? WHERE task_id = ?', [
        i % 101,
        'download',
        `chunk ${i}`,
        naive.task_id,
      ]),
    );
    console.log('log inserts');
    const oursLogs = measure('ours: one connection, prepared', (i) => store.log(ours.task_id, 'INFO', `line ${i}`));
    const naiveLogs = measure('story: connection per call', (i) =>
      perCall('INSERT INTO market_data_task_logs (task_id, timestamp, level, message) VALUES (?, ?, ?, ?)', [
        naive.task_id,
        new Date().toISOString(),
        'INFO',
        `line ${i}`,
      ]),
    );
    db.close();

    console.log(`ratio progress updates: ${(oursProgress / naiveProgress).toFixed(1)}x (issue 2 asks for >= 30x)`);
    console.log(`ratio log inserts:      ${(oursLogs / naiveLogs).toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
