import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { ClientMessage } from '../clientMessages';
import { prepareOnce } from '../db/prepareOnce';
import { AppError, ErrorCode } from '../errors';
import type { TaskQueries } from './taskQueries';
import { RAW_ROWS, taskColumns, toTask, toTaskRecord } from './taskRow';
import { TaskSource, TaskStage, TaskStatus, TaskType, activeStatuses, allowedTransitions } from './taskTypes';
import type { Task, TaskRecord } from './taskTypes';
import {
  invalid,
  optionalText,
  requireIntegerInRange,
  requireOneOf,
  requireTaskId,
  requireText,
} from './taskValidation';

export interface CreateTaskInput {
  readonly taskType: TaskType;
  readonly source: TaskSource;
  /** The failed task this one retries; requires `source: 'retry'` and the same task type. */
  readonly retryOf?: string | null;
  /** Install even what the install checks would refuse (downloads only; authorising it is the caller's job). */
  readonly force?: boolean;
}

const MAX_TEXT = 4000;

/** The state-changing half of the store; see `TaskStore` for the contract of each operation. */
export function createTaskLifecycle(db: Database.Database, queries: TaskQueries, now: () => string) {
  const insertTask = prepareOnce(
    db,
    `INSERT INTO market_data_tasks (task_id, task_type, status, source, created_at, retry_of, force)
     VALUES (:taskId, :taskType, 'pending', :source, :now, :retryOf, :force)
     RETURNING ${taskColumns}`,
    RAW_ROWS,
  );
  const toRunning = prepareTransition(TaskStatus.Running, 'started_at = :now, heartbeat_at = :now');
  const toSuccess = prepareTransition(
    TaskStatus.Success,
    'progress = 100, finished_at = :now, message = coalesce(:message, message)',
  );
  const toFailed = prepareTransition(TaskStatus.Failed, 'finished_at = :now, error = :error');
  const toCancelled = prepareTransition(
    TaskStatus.Cancelled,
    'finished_at = :now, message = coalesce(:message, message)',
  );
  // max(): a late or out-of-order report never moves the bar back, but its stage and message still land.
  const setProgress = prepareOnce(
    db,
    `UPDATE market_data_tasks
     SET progress = max(progress, :progress), stage = :stage, message = :message, heartbeat_at = :now
     WHERE task_id = :taskId AND status = 'running'
     RETURNING ${taskColumns}`,
    RAW_ROWS,
  );
  const setHeartbeat = prepareOnce(
    db,
    `UPDATE market_data_tasks SET heartbeat_at = :now WHERE task_id = :taskId AND status = 'running'
     RETURNING cancel_requested_at`,
  );
  const setCancelRequested = prepareOnce(
    db,
    `UPDATE market_data_tasks SET cancel_requested_at = coalesce(cancel_requested_at, :now)
     WHERE task_id = :taskId AND status IN ('pending', 'running')
     RETURNING ${taskColumns}`,
    RAW_ROWS,
  );
  const insertLog = prepareOnce(
    db,
    `INSERT INTO market_data_task_logs (task_id, timestamp, level, stage, message)
     VALUES (:taskId, :now, 'ERROR', :stage, :message)`,
  );

  function prepareTransition(to: TaskStatus, assignments: string) {
    const from = Object.values(TaskStatus).filter((status) => allowedTransitions[status].includes(to));
    // The IN list comes from our own transition table, never from input.
    const statement = prepareOnce(
      db,
      `UPDATE market_data_tasks SET status = '${to}', ${assignments}
       WHERE task_id = :taskId AND status IN (${from.map((s) => `'${s}'`).join(', ')})
       RETURNING ${taskColumns}`,
      RAW_ROWS,
    );
    return db.transaction((params: Record<string, unknown> & { taskId: string }): Task => {
      const row = statement.get({ now: now(), ...params });
      if (row !== undefined) return toTask(toTaskRecord(row));
      const current = requireExisting(params.taskId);
      throw new AppError(
        ErrorCode.IllegalTransition,
        `Task ${current.task_id} is ${current.status}; it cannot become ${to}.`,
        { details: { task_id: current.task_id, from: current.status, to } },
      );
    });
  }

  function requireExisting(taskId: string): TaskRecord {
    const task = queries.getTaskRecord(taskId);
    if (!task) throw new AppError(ErrorCode.TaskNotFound, `Task ${taskId} does not exist.`);
    return task;
  }

  function notRunning(taskId: string, action: string): AppError {
    const task = requireExisting(taskId);
    return new AppError(
      ErrorCode.TaskNotActive,
      `Task ${taskId} is ${task.status}; ${action} only while it is running.`,
    );
  }

  const create = db.transaction((input: CreateTaskInput): Task => {
    const taskType = requireOneOf('task_type', input.taskType, Object.values(TaskType));
    const source = requireOneOf('source', input.source, Object.values(TaskSource));
    const retryOf = input.retryOf == null ? null : requireTaskId('retry_of', input.retryOf);
    if (retryOf !== null) assertRetryable(requireExisting(retryOf), taskType, source);
    else if (source === TaskSource.Retry) throw invalid('source "retry" needs retry_of, the failed task it retries.');
    const force = input.force === true ? 1 : 0;
    if (force === 1 && taskType !== TaskType.Download) throw invalid('force applies only to download tasks.');
    try {
      const row = insertTask.get({ taskId: randomUUID(), taskType, source, retryOf, force, now: now() });
      return toTask(toTaskRecord(row));
    } catch (error) {
      // No check-then-insert: the partial unique index decides, and we only explain its verdict.
      const active = isOneActiveViolation(error) ? queries.getActiveTaskRecord() : null;
      if (!active) throw error;
      throw new AppError(ErrorCode.TaskRunning, ClientMessage.taskRunning, {
        cause: error,
        details: { active_task: toTask(active) },
      });
    }
  });

  const reconcile = db.transaction((taskId: string, reason: string): Task | null => {
    const error = requireText('reason', reason, MAX_TEXT);
    const current = requireExisting(requireTaskId('task_id', taskId));
    if (!activeStatuses.includes(current.status)) return null;
    const failed = toFailed({ taskId, error });
    insertLog.run({ taskId, now: now(), stage: current.stage, message: `Marked failed: ${error}` });
    return failed;
  });

  return {
    /** BEGIN IMMEDIATE: the insert and the read of the winning task see the same database state. */
    createTask: (input: CreateTaskInput): Task => create.immediate(input),
    startTask: (taskId: string): Task => toRunning({ taskId: requireTaskId('task_id', taskId) }),
    succeedTask: (taskId: string, message?: string): Task =>
      toSuccess({ taskId: requireTaskId('task_id', taskId), message: optionalText('message', message, MAX_TEXT) }),
    failTask: (taskId: string, error: string): Task =>
      toFailed({ taskId: requireTaskId('task_id', taskId), error: requireText('error', error, MAX_TEXT) }),
    cancelTask: (taskId: string, message?: string): Task =>
      toCancelled({ taskId: requireTaskId('task_id', taskId), message: optionalText('message', message, MAX_TEXT) }),

    updateProgress(taskId: string, progress: number, stage: TaskStage, message: string | null): Task {
      const row = setProgress.get({
        taskId: requireTaskId('task_id', taskId),
        progress: requireIntegerInRange('progress', progress, 0, 100),
        stage: requireOneOf('stage', stage, Object.values(TaskStage)),
        message: optionalText('message', message, MAX_TEXT),
        now: now(),
      });
      if (row === undefined) throw notRunning(taskId, 'progress can be updated');
      return toTask(toTaskRecord(row));
    },

    heartbeat(taskId: string): { readonly cancelRequested: boolean } {
      const row = setHeartbeat.get({ taskId: requireTaskId('task_id', taskId), now: now() }) as
        { cancel_requested_at: string | null } | undefined;
      if (row === undefined) throw notRunning(taskId, 'a heartbeat is accepted');
      return { cancelRequested: row.cancel_requested_at !== null };
    },

    requestCancel(taskId: string): TaskRecord {
      const row = setCancelRequested.get({ taskId: requireTaskId('task_id', taskId), now: now() });
      if (row !== undefined) return toTaskRecord(row);
      const task = requireExisting(taskId);
      throw new AppError(ErrorCode.TaskNotActive, `Task ${taskId} is already ${task.status}; nothing to cancel.`);
    },

    reconcileTask: (taskId: string, reason: string): Task | null => reconcile.immediate(taskId, reason),
  };
}

function assertRetryable(original: TaskRecord, taskType: TaskType, source: TaskSource): void {
  if (source !== TaskSource.Retry) throw invalid('retry_of is only allowed with source "retry".');
  if (original.status !== TaskStatus.Failed) {
    throw new AppError(
      ErrorCode.NotRetryable,
      `Only a failed task can be retried; task ${original.task_id} is ${original.status}.`,
    );
  }
  if (original.task_type !== taskType) {
    throw invalid(`A retry keeps the task type: task ${original.task_id} is ${original.task_type}, not ${taskType}.`);
  }
}

function isOneActiveViolation(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.includes('market_data_tasks_one_active')
  );
}
