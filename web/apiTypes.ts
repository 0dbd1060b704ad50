// The shapes the page reads from the API (see the README's API table). Kept by hand: the page has no build step
// that could share the server's types, and these are the documented contract anyway.

export type TaskStatus = 'pending' | 'running' | 'success' | 'failed' | 'cancelled';
export type TaskType = 'download' | 'analyze' | 'rollback';
export type TaskSource = 'manual' | 'schedule' | 'retry';
export type TaskStage = 'download' | 'unzip' | 'rollback' | 'diff' | 'analyze';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];
export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'running', 'success', 'failed', 'cancelled'];
export const TASK_TYPES: readonly TaskType[] = ['download', 'analyze', 'rollback'];
export const TASK_SOURCES: readonly TaskSource[] = ['manual', 'schedule', 'retry'];

export interface Task {
  readonly task_id: string;
  readonly task_type: TaskType;
  readonly status: TaskStatus;
  readonly source: TaskSource;
  readonly progress: number;
  readonly stage: TaskStage | null;
  readonly message: string | null;
  readonly error: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly retry_of: string | null;
}

export interface TaskLog {
  readonly id: number;
  readonly task_id: string;
  readonly timestamp: string;
  readonly level: LogLevel;
  readonly stage: TaskStage | null;
  readonly message: string;
}

export interface StageEstimate {
  readonly stage: TaskStage;
  readonly from: number;
  readonly to: number;
  readonly median_seconds: number | null;
  readonly samples: number;
}

export interface StageDurations {
  readonly task_types: Readonly<Record<TaskType, readonly StageEstimate[]>>;
}

export interface BundleInfo {
  readonly source: string | null;
  /** `csv-daily` or `qlib-bin` (from the analysis); null before one. */
  readonly format: string | null;
  /** A rollback brought this bundle back. */
  readonly restored: boolean;
  /** The generation a rollback would restore, or null. */
  readonly previous: {
    readonly source: string;
    readonly checksum: string | null;
    readonly installed_at: string;
  } | null;
  /** The newest recorded bundle diff, or null when there is none. */
  readonly diff_id: number | null;
  readonly checksum: string | null;
  readonly size_bytes: number | null;
  readonly installed_at: string | null;
  readonly analysed_at: string | null;
  readonly run_id: number | null;
  readonly status: 'ok' | 'warn' | null;
  readonly calendar_source: 'bundle' | 'derived' | null;
  readonly totals: Readonly<Record<string, number | string | null>> | null;
  readonly analysis_matches_bundle: boolean;
}

export interface DayStats {
  readonly trade_date: string;
  readonly symbol_count: number;
  readonly flags: readonly ('empty' | 'thin' | 'frozen')[];
}

export interface SymbolRow {
  readonly symbol: string;
  readonly board: string;
  readonly status: 'ok' | 'warn' | 'error';
  readonly is_delisted: boolean;
  readonly first_date: string | null;
  readonly last_date: string | null;
  readonly [metric: string]: string | number | boolean | null;
}

export interface Finding {
  readonly id: number;
  readonly symbol: string | null;
  readonly trade_date: string | null;
  readonly check_code: string;
  readonly severity: 'error' | 'warn' | 'info';
  readonly line_no: number | null;
  readonly detail: string | null;
}

/** An install as a diff names it. */
export interface DiffBundle {
  readonly bundle_id: number;
  readonly source: string;
  readonly checksum: string | null;
  readonly installed_at: string;
  readonly restored: boolean;
  readonly format: string | null;
}

export interface DiffSymbol {
  readonly symbol: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly rows_added: number;
  readonly rows_removed: number;
  readonly rows_restated: number;
  readonly readjusted: boolean;
  readonly readjust_ratio: number | null;
  readonly first_restated_date: string | null;
  readonly last_restated_date: string | null;
}

export interface DiffSample {
  readonly trade_date: string;
  readonly field: string;
  readonly old: number | null;
  readonly new: number | null;
}

/** GET /bundle/diff: the diff, a page of its changed symbols. */
export interface DiffPage {
  readonly diff_id: number;
  readonly created_at: string;
  readonly from: DiffBundle | null;
  readonly to: DiffBundle;
  readonly matches_bundle: boolean;
  readonly previous_generation: boolean;
  readonly totals: Readonly<Record<string, number>> | null;
  readonly total: number;
  readonly symbols: readonly DiffSymbol[];
}

export function isActive(task: Task): boolean {
  return task.status === 'pending' || task.status === 'running';
}
