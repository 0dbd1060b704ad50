import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import { encodeTaskCursor, decodeTaskCursor } from './taskCursor';
import { RAW_ROWS, taskColumns, toTask, toTaskRecord } from './taskRow';
import { TaskSource, TaskStatus, TaskType } from './taskTypes';
import type { Task, TaskRecord } from './taskTypes';
import { optionalOneOf, requireIntegerInRange, requireTaskId } from './taskValidation';

export interface ListTasksQuery {
  readonly status?: TaskStatus;
  readonly taskType?: TaskType;
  readonly source?: TaskSource;
  /** 1–200, default 50. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface TaskPage {
  /** Newest first (by `created_at`, then `task_id`). */
  readonly tasks: readonly Task[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

const MAX_LIST_LIMIT = 200;
const DEFAULT_LIST_LIMIT = 50;

export interface TaskQueries {
  readonly getTaskRecord: (taskId: string) => TaskRecord | null;
  readonly getActiveTaskRecord: () => TaskRecord | null;
  readonly listTasks: (query?: ListTasksQuery) => TaskPage;
  /** Active tasks whose last sign of life (heartbeat, start or creation) is before `cutoff` (ISO string). */
  readonly listTasksSilentSince: (cutoff: string) => TaskRecord[];
}

const SELECT_TASKS = `SELECT ${taskColumns} FROM market_data_tasks`;

export function createTaskQueries(db: Database.Database): TaskQueries {
  const selectById = prepareOnce(db, `${SELECT_TASKS} WHERE task_id = :taskId`, RAW_ROWS);
  const selectActive = prepareOnce(db, `${SELECT_TASKS} WHERE status IN ('pending', 'running') LIMIT 1`, RAW_ROWS);
  // Null parameters switch a filter off; the row-value comparison resumes strictly after the cursor. The limit sits in
  // a subquery because SQLite re-prepares a statement on every run when a bound LIMIT feeds its planner.
  const selectPage = prepareOnce(
    db,
    `${SELECT_TASKS}
     WHERE (:status IS NULL OR status = :status)
       AND (:taskType IS NULL OR task_type = :taskType)
       AND (:source IS NULL OR source = :source)
       AND (:cursorCreatedAt IS NULL OR (created_at, task_id) < (:cursorCreatedAt, :cursorTaskId))
     ORDER BY created_at DESC, task_id DESC
     LIMIT (SELECT :limit)`,
    RAW_ROWS,
  );
  const selectSilent = prepareOnce(
    db,
    `${SELECT_TASKS}
     WHERE status IN ('pending', 'running') AND coalesce(heartbeat_at, started_at, created_at) < :cutoff`,
    RAW_ROWS,
  );

  return {
    getTaskRecord(taskId) {
      const row = selectById.get({ taskId: requireTaskId('task_id', taskId) });
      return row === undefined ? null : toTaskRecord(row);
    },
    getActiveTaskRecord() {
      const row = selectActive.get();
      return row === undefined ? null : toTaskRecord(row);
    },
    listTasks(query = {}) {
      const limit = requireIntegerInRange('limit', query.limit ?? DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT);
      const cursor = query.cursor === undefined ? null : decodeTaskCursor(query.cursor);
      const rows = selectPage.all({
        status: optionalOneOf('status', query.status, Object.values(TaskStatus)),
        taskType: optionalOneOf('task_type', query.taskType, Object.values(TaskType)),
        source: optionalOneOf('source', query.source, Object.values(TaskSource)),
        cursorCreatedAt: cursor?.createdAt ?? null,
        cursorTaskId: cursor?.taskId ?? null,
        limit: limit + 1, // one extra row tells whether another page exists
      });
      const tasks = rows.slice(0, limit).map((row) => toTask(toTaskRecord(row)));
      const last = tasks[tasks.length - 1];
      const nextCursor =
        rows.length > limit && last ? encodeTaskCursor({ createdAt: last.created_at, taskId: last.task_id }) : null;
      return { tasks, nextCursor };
    },
    listTasksSilentSince(cutoff) {
      return selectSilent.all({ cutoff }).map(toTaskRecord);
    },
  };
}
