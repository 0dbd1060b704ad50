import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import { RAW_ROWS, taskColumns, taskLogColumns, toTask, toTaskLog, toTaskRecord } from './taskRow';
import type { Task, TaskLog } from './taskTypes';
import { requireIntegerInRange } from './taskValidation';

/**
 * What changed in the task tables, read back from the database so every process sees the writes of every other
 * (activities may run elsewhere). Log ids are AUTOINCREMENT and SQLite has one writer at a time, so a line never
 * becomes visible with an id below one already read: "after id N" misses nothing.
 */
export interface TaskChangeFeed {
  /**
   * Every task that may have changed at or after `since` (ISO-8601 UTC): the active ones (only active rows change),
   * and those created or finished since. Oldest first.
   */
  listTasksTouchedSince(since: string): Task[];
  /** Log lines of every task with an id above `afterId`, oldest first, at most `limit` (1–1000). */
  listLogsAfter(afterId: number, limit: number): TaskLog[];
  /** The newest log id, or 0 when there is none. */
  lastLogId(): number;
}

/** The feed over one connection. */
export function createTaskChangeFeed(db: Database.Database): TaskChangeFeed {
  // Three index searches (by status, newest-first, by finish) instead of one OR; UNION ALL, because deduplicating and
  // ordering a handful of rows here is cheaper than the merge SQLite would plan for UNION ... ORDER BY.
  // Raw mode: toTaskRecord reads the row as an array in `taskColumns` order.
  const selectTouched = prepareOnce(
    db,
    `SELECT ${taskColumns} FROM market_data_tasks WHERE status IN ('pending', 'running')
     UNION ALL
     SELECT ${taskColumns} FROM market_data_tasks WHERE created_at >= :since
     UNION ALL
     SELECT ${taskColumns} FROM market_data_tasks
     WHERE status IN ('success', 'failed', 'cancelled') AND finished_at >= :since`,
    RAW_ROWS,
  );
  const selectLogs = prepareOnce(
    db,
    `SELECT ${taskLogColumns} FROM market_data_task_logs WHERE id > :afterId ORDER BY id LIMIT :limit`,
  );
  const selectLastLogId = prepareOnce(db, `SELECT coalesce(max(id), 0) AS id FROM market_data_task_logs`);

  return {
    listTasksTouchedSince(since) {
      const byId = new Map<string, Task>();
      for (const row of selectTouched.all({ since })) {
        const task = toTask(toTaskRecord(row));
        byId.set(task.task_id, task);
      }
      return [...byId.values()].sort((a, b) =>
        a.created_at === b.created_at ? a.task_id.localeCompare(b.task_id) : a.created_at.localeCompare(b.created_at),
      );
    },
    listLogsAfter: (afterId, limit) =>
      selectLogs
        .all({
          afterId: requireIntegerInRange('after_id', afterId, 0, Number.MAX_SAFE_INTEGER),
          limit: requireIntegerInRange('limit', limit, 1, 1000),
        })
        .map(toTaskLog),
    lastLogId: () => (selectLastLogId.get() as { id: number }).id,
  };
}
