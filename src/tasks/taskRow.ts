import type { Task, TaskLog, TaskRecord } from './taskTypes';

/**
 * Column list shared by every statement that reads a whole task row (also used in RETURNING clauses). Those
 * statements run in raw mode (prepared with RAW_ROWS: an array of values in this order): a named row makes the driver
 * look up every column name of every row, which costs more than the query itself.
 */
export const taskColumns =
  'task_id, task_type, status, source, progress, stage, message, error, created_at, started_at, finished_at, ' +
  'retry_of, heartbeat_at, cancel_requested_at, force';

/** Prepare options of the statements over `taskColumns` (see prepareOnce). */
export const RAW_ROWS = { raw: true } as const;

export const taskLogColumns = 'id, task_id, timestamp, level, stage, message';

/** The row from a raw-mode statement over `taskColumns`; the CHECK constraints guarantee the enumerations. */
export function toTaskRecord(row: unknown): TaskRecord {
  // A statement prepared without .raw() hands over an object: fail loudly rather than map undefined columns.
  if (!Array.isArray(row)) throw new TypeError('Task rows must be read in raw mode (prepareOnce with RAW_ROWS).');
  const v = row as TaskRecordValues;
  return {
    task_id: v[0],
    task_type: v[1],
    status: v[2],
    source: v[3],
    progress: v[4],
    stage: v[5],
    message: v[6],
    error: v[7],
    created_at: v[8],
    started_at: v[9],
    finished_at: v[10],
    retry_of: v[11],
    heartbeat_at: v[12],
    cancel_requested_at: v[13],
    force: v[14],
  };
}

type TaskRecordValues = [
  TaskRecord['task_id'],
  TaskRecord['task_type'],
  TaskRecord['status'],
  TaskRecord['source'],
  TaskRecord['progress'],
  TaskRecord['stage'],
  TaskRecord['message'],
  TaskRecord['error'],
  TaskRecord['created_at'],
  TaskRecord['started_at'],
  TaskRecord['finished_at'],
  TaskRecord['retry_of'],
  TaskRecord['heartbeat_at'],
  TaskRecord['cancel_requested_at'],
  TaskRecord['force'],
];

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
