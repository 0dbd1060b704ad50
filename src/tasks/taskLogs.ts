import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import { AppError, ErrorCode } from '../errors';
import type { TaskQueries } from './taskQueries';
import { taskLogColumns, toTaskLog } from './taskRow';
import { TaskLogLevel, TaskStage } from './taskTypes';
import type { TaskLog } from './taskTypes';
import { optionalOneOf, requireIntegerInRange, requireOneOf, requireTaskId, requireText } from './taskValidation';

export interface ListLogsQuery {
  /** Only lines with a larger id; default 0 (from the start). */
  readonly afterId?: number;
  /** 1–1000, default 200. */
  readonly limit?: number;
  /** Keep this level and the more severe ones; default DEBUG (everything). */
  readonly minLevel?: TaskLogLevel;
}

const MAX_LOG_LIMIT = 1000;
const MAX_LOG_MESSAGE = 8000;
const levels = Object.values(TaskLogLevel);

export function createTaskLogs(db: Database.Database, queries: TaskQueries, now: () => string) {
  const insertLog = prepareOnce(
    db,
    `INSERT INTO market_data_task_logs (task_id, timestamp, level, stage, message)
     VALUES (:taskId, :now, :level, :stage, :message)
     RETURNING ${taskLogColumns}`,
  );
  // The CASE ranks levels in the order of TaskLogLevel. The limit is a subquery, as in the task list: a bound LIMIT
  // would make SQLite re-prepare the statement on every run.
  const selectLogs = prepareOnce(
    db,
    `SELECT ${taskLogColumns} FROM market_data_task_logs
     WHERE task_id = :taskId AND id > :afterId
       AND CASE level WHEN 'DEBUG' THEN 0 WHEN 'INFO' THEN 1 WHEN 'WARNING' THEN 2 ELSE 3 END >= :minRank
     ORDER BY id
     LIMIT (SELECT :limit)`,
  );

  function requireKnownTask(taskId: string): void {
    if (!queries.getTaskRecord(taskId)) throw new AppError(ErrorCode.TaskNotFound, `Task ${taskId} does not exist.`);
  }

  return {
    log(taskId: string, level: TaskLogLevel, message: string, stage?: TaskStage | null): TaskLog {
      const params = {
        taskId: requireTaskId('task_id', taskId),
        level: requireOneOf('level', level, levels),
        stage: optionalOneOf('stage', stage, Object.values(TaskStage)),
        // A long line is cut rather than refused: losing the tail beats losing the line.
        message: truncate(requireText('message', message, Number.MAX_SAFE_INTEGER)),
        now: now(),
      };
      try {
        return toTaskLog(insertLog.get(params));
      } catch (error) {
        // The foreign key is the existence check; look the task up only to choose the error.
        requireKnownTask(taskId);
        throw error;
      }
    },

    listLogs(taskId: string, query: ListLogsQuery = {}): TaskLog[] {
      const rows = selectLogs.all({
        taskId: requireTaskId('task_id', taskId),
        afterId: requireIntegerInRange('after_id', query.afterId ?? 0, 0, Number.MAX_SAFE_INTEGER),
        limit: requireIntegerInRange('limit', query.limit ?? 200, 1, MAX_LOG_LIMIT),
        minRank: levels.indexOf(requireOneOf('min_level', query.minLevel ?? TaskLogLevel.Debug, levels)),
      });
      if (rows.length === 0) requireKnownTask(taskId);
      return rows.map(toTaskLog);
    },
  };
}

function truncate(message: string): string {
  return message.length <= MAX_LOG_MESSAGE ? message : `${message.slice(0, MAX_LOG_MESSAGE - 1)}…`;
}
