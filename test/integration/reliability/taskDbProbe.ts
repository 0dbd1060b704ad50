import Database from 'better-sqlite3';
import path from 'node:path';

export interface ObservedTask {
  readonly status: string;
  readonly stage: string | null;
  readonly progress: number;
  readonly error: string | null;
}

export interface ObservedLog {
  readonly id: number;
  readonly stage: string | null;
  readonly message: string;
}

/** The files a devhost data directory holds: the app's task database and the devhost's durable store. */
export function databasePaths(dataDir: string): { tasks: string; durable: string } {
  return {
    tasks: path.join(dataDir, 'market_data.sqlite3'),
    durable: path.join(dataDir, 'devhost', 'durable.sqlite3'),
  };
}

/**
 * A read-only view of the task database from the test process, as another process sees it: only committed rows.
 * Cheap enough (prepared statements, no HTTP) to poll every millisecond while looking for a moment to crash the host.
 */
export function openTaskDbProbe(dbPath: string) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const task = db.prepare('SELECT status, stage, progress, error FROM market_data_tasks WHERE task_id = ?');
  const logs = db.prepare('SELECT id, stage, message FROM market_data_task_logs WHERE task_id = ? ORDER BY id');
  const active = db.prepare(`SELECT COUNT(*) AS n FROM market_data_tasks WHERE status IN ('pending', 'running')`);
  const runRows = db.prepare(
    `SELECT COUNT(*) AS n FROM analysis_symbol_metrics m JOIN analysis_runs r ON r.run_id = m.run_id
     WHERE r.task_id = ? AND r.status = 'running'`,
  );
  const openRuns = db.prepare(`SELECT COUNT(*) AS n FROM analysis_runs WHERE status = 'running'`);
  return {
    task: (taskId: string): ObservedTask | null => (task.get(taskId) as ObservedTask | undefined) ?? null,
    logs: (taskId: string): ObservedLog[] => logs.all(taskId) as ObservedLog[],
    /** Tasks holding the mutex (pending or running) right now. */
    activeCount: (): number => (active.get() as { n: number }).n,
    /** Symbol rows an analysis of this task has committed while it still runs. */
    analysisRowsWritten: (taskId: string): number => (runRows.get(taskId) as { n: number }).n,
    /** Analysis runs still marked running (none may be once no task is active). */
    openAnalysisRuns: (): number => (openRuns.get() as { n: number }).n,
    close: (): void => {
      db.close();
    },
  };
}

export type TaskDbProbe = ReturnType<typeof openTaskDbProbe>;

/** `PRAGMA integrity_check` of a SQLite file, read-only: 'ok' when the file is sound. */
export function integrityCheck(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  } finally {
    db.close();
  }
}
