/** Column values of the task tables. They mirror the CHECK constraints of migration 006; change both together. */
export const TaskStatus = {
  Pending: 'pending',
  Running: 'running',
  Success: 'success',
  Failed: 'failed',
  Cancelled: 'cancelled',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const TaskType = { Download: 'download', Analyze: 'analyze', Rollback: 'rollback' } as const;
export type TaskType = (typeof TaskType)[keyof typeof TaskType];

export const TaskSource = { Manual: 'manual', Schedule: 'schedule', Retry: 'retry' } as const;
export type TaskSource = (typeof TaskSource)[keyof typeof TaskSource];

export const TaskStage = {
  Download: 'download',
  Unzip: 'unzip',
  Rollback: 'rollback',
  Diff: 'diff',
  Analyze: 'analyze',
} as const;
export type TaskStage = (typeof TaskStage)[keyof typeof TaskStage];

/** Ordered from least to most severe; a minimum level filter keeps this level and the ones after it. */
export const TaskLogLevel = { Debug: 'DEBUG', Info: 'INFO', Warning: 'WARNING', Error: 'ERROR' } as const;
export type TaskLogLevel = (typeof TaskLogLevel)[keyof typeof TaskLogLevel];

/** Pending or running: the states the one-active-task index covers. */
export const activeStatuses: readonly TaskStatus[] = [TaskStatus.Pending, TaskStatus.Running];

/** The legal moves; anything else is an ILLEGAL_TRANSITION error. End states have none. */
export const allowedTransitions: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: [TaskStatus.Running, TaskStatus.Failed, TaskStatus.Cancelled],
  running: [TaskStatus.Success, TaskStatus.Failed, TaskStatus.Cancelled],
  success: [],
  failed: [],
  cancelled: [],
};

/** A task as the HTTP API returns it: exactly these fields. Timestamps are ISO-8601 UTC strings ending in `Z`. */
export interface Task {
  readonly task_id: string;
  readonly task_type: TaskType;
  readonly status: TaskStatus;
  readonly source: TaskSource;
  /** Integer 0–100; never decreases while the task runs; 100 on success. */
  readonly progress: number;
  readonly stage: TaskStage | null;
  readonly message: string | null;
  readonly error: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  /** The failed task this one retries, or null. */
  readonly retry_of: string | null;
}

/** The full row: the API fields plus the executor bookkeeping the API does not show. */
export interface TaskRecord extends Task {
  readonly heartbeat_at: string | null;
  readonly cancel_requested_at: string | null;
  /** 1 when an admin asked a download to install even a bundle the install checks would refuse. */
  readonly force: 0 | 1;
}

export interface TaskLog {
  /** Monotonic across all tasks; page with "after id". */
  readonly id: number;
  readonly task_id: string;
  readonly timestamp: string;
  readonly level: TaskLogLevel;
  readonly stage: TaskStage | null;
  readonly message: string;
}
