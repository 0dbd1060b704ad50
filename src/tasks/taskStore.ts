import type Database from 'better-sqlite3';
import { listStageDurations, type StageDuration } from './listStageDurations';
import { createPurgeFinishedTasks } from './purgeFinishedTasks';
import type { PurgeResult, RetentionPolicy } from './purgeFinishedTasks';
import { createTaskChangeFeed, type TaskChangeFeed } from './taskChangeFeed';
import { createTaskLifecycle } from './taskLifecycle';
import type { CreateTaskInput } from './taskLifecycle';
import { createTaskLogs } from './taskLogs';
import type { ListLogsQuery } from './taskLogs';
import { createTaskQueries } from './taskQueries';
import type { ListTasksQuery, TaskPage } from './taskQueries';
import { toTask } from './taskRow';
import type { Task, TaskLog, TaskLogLevel, TaskRecord, TaskStage, TaskType } from './taskTypes';
import { requireIntegerInRange } from './taskValidation';

export interface TaskStoreOptions {
  /** The store's only source of time; default `() => new Date()`. Tests inject a controllable clock. */
  readonly clock?: () => Date;
}

/**
 * The TaskManager core over one open connection. Every method is synchronous and atomic. Bad input throws
 * AppError INVALID_REQUEST; an unknown task TASK_NOT_FOUND; a wrong state ILLEGAL_TRANSITION or TASK_NOT_ACTIVE.
 * It is also the change feed the event stream reads.
 */
export interface TaskStore extends TaskChangeFeed {
  /** Inserts a pending task. Throws TASK_RUNNING (details.active_task) while another task is pending or running. */
  createTask(input: CreateTaskInput): Task;
  /** null when unknown. */
  getTask(taskId: string): Task | null;
  /** The full row, with `heartbeat_at` and `cancel_requested_at`; null when unknown. */
  getTaskRecord(taskId: string): TaskRecord | null;
  /** The one pending-or-running task, if any. */
  getActiveTask(): TaskRecord | null;
  listTasks(query?: ListTasksQuery): TaskPage;
  /** pending → running; sets started_at and the first heartbeat. */
  startTask(taskId: string): Task;
  /** running → success; progress becomes 100. */
  succeedTask(taskId: string, message?: string): Task;
  /** pending | running → failed with `error`; progress stays. */
  failTask(taskId: string, error: string): Task;
  /** pending | running → cancelled; progress stays. */
  cancelTask(taskId: string, message?: string): Task;
  /**
   * Only while running. `progress` is an integer 0–100 and never lowers the stored value (a lower one is ignored,
   * while `stage` and `message` still update). Counts as a heartbeat.
   */
  updateProgress(taskId: string, progress: number, stage: TaskStage, message: string | null): Task;
  /** Records that the executor is alive (running tasks only); tells it whether a cancel was requested. */
  heartbeat(taskId: string): { readonly cancelRequested: boolean };
  /** Sets the cancel flag on a pending or running task (first request time wins); the executor acts on it. */
  requestCancel(taskId: string): TaskRecord;
  /**
   * Fails an active task whose executor is gone, with `reason` as its error and an ERROR log line.
   * Returns null when the task had already finished (nothing to do).
   */
  reconcileTask(taskId: string, reason: string): Task | null;
  /** Active tasks with no heartbeat (or start, or creation) for more than `timeoutSeconds`. */
  listStaleTasks(timeoutSeconds: number): TaskRecord[];
  /** Appends a log line (message cut at 8000 characters). Logs are allowed on finished tasks too. */
  log(taskId: string, level: TaskLogLevel, message: string, stage?: TaskStage | null): TaskLog;
  /** Oldest first, after `afterId`. */
  listLogs(taskId: string, query?: ListLogsQuery): TaskLog[];
  /** Deletes finished tasks (and their logs) that finished longer ago than the policy allows. */
  purgeFinishedTasks(policy: RetentionPolicy): PurgeResult;
  /** Each stage's median wall time over the latest `window` successful tasks of a type (stages run at least once). */
  listStageDurations(taskType: TaskType, window: number): Partial<Record<TaskStage, StageDuration>>;
}

export function createTaskStore(db: Database.Database, options: TaskStoreOptions = {}): TaskStore {
  const clock = options.clock ?? (() => new Date());
  const now = (): string => clock().toISOString();
  const queries = createTaskQueries(db);
  const lifecycle = createTaskLifecycle(db, queries, now);
  const logs = createTaskLogs(db, queries, now);

  return {
    ...lifecycle,
    ...logs,
    ...createTaskChangeFeed(db),
    getTask(taskId) {
      const record = queries.getTaskRecord(taskId);
      return record === null ? null : toTask(record);
    },
    getTaskRecord: queries.getTaskRecord,
    getActiveTask: queries.getActiveTaskRecord,
    listTasks: queries.listTasks,
    listStaleTasks(timeoutSeconds) {
      const seconds = requireIntegerInRange('timeoutSeconds', timeoutSeconds, 1, Number.MAX_SAFE_INTEGER);
      return queries.listTasksSilentSince(new Date(clock().getTime() - seconds * 1000).toISOString());
    },
    purgeFinishedTasks: createPurgeFinishedTasks(db, clock),
    listStageDurations: (taskType, window) => listStageDurations(db, taskType, window),
  };
}
