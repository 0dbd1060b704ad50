import type { Task, TaskLog, TaskRecord } from './taskTypes';

/** Column list shared by every statement that reads a whole task row (also used in RETURNING clauses). */
export const taskColumns =
  'task_id, task_type, status, source, progress, stage, message, error, created_at, started_at, finished_at, ' +
  'retry_of, heartbeat_at, cancel_requested_at, force';

export const taskLogColumns = 'id, task_id, timestamp, level, stage, message';

/** The row as SQLite returns it; the CHECK constraints guarantee the enumerations. */
export function toTaskRecord(row: unknown): TaskRecord {
  return row as TaskRecord;
}

export function toTaskLog(row: unknown): TaskLog {
  return row as TaskLog;
}

/** Drops the bookkeeping columns so an API response never leaks them. */
export function toTask(record: TaskRecord): Task {
  return {
    task_id: record.task_id,
    task_type: record.task_type,
    status: record.status,
    source: record.source,
    progress: record.progress,
    stage: record.stage,
    message: record.message,
    error: record.error,
    created_at: record.created_at,
    started_at: record.started_at,
    finished_at: record.finished_at,
    retry_of: record.retry_of,
  };
}
