import { AppError, ErrorCode, isAppError, isTransientFailure } from '../errors';
import type { StageContext } from '../stages/stageContext';
import type { TaskStore } from '../tasks/taskStore';
import type { ActivityOutcome, StageResult } from './pipelineContract';
import { scaleProgress, type StageSlice } from './stagePlan';

export interface StageRunnerOptions {
  readonly tasks: TaskStore;
  /** How often the executor proves it is alive and looks for a cancel request, in ms. */
  readonly heartbeatMs: number;
  /** Minimum gap between two progress writes, in ms (the last one is always written). */
  readonly progressEveryMs: number;
  readonly clock: () => number;
  /**
   * The running stages of this process by task id, so a cancel request served by the same process stops its stage at
   * once instead of at the next heartbeat. Optional: without it a cancel is seen by the heartbeat alone.
   */
  readonly running?: Map<string, AbortController>;
}

// Failures a retry cannot fix: they come back to the orchestrator as values. Anything else is thrown and retried.
const PERMANENT: ReadonlySet<string> = new Set<string>([
  ErrorCode.DownloadFailed,
  ErrorCode.ChecksumMismatch,
  ErrorCode.DiskFull,
  ErrorCode.UnsafeArchive,
  ErrorCode.UnsupportedArchive,
  ErrorCode.BundleInvalid,
  ErrorCode.BundleRefused,
  ErrorCode.NoBundle,
  ErrorCode.NoPreviousBundle,
  ErrorCode.InvalidConfig,
  ErrorCode.Cancelled,
]);

/**
 * Runs one stage for a running task: live progress on the task's single scale, logs on the task, a heartbeat that
 * also turns a cancel request into an abort, and the expected failures turned into values.
 */
export async function runStageActivity<T extends StageResult>(
  options: StageRunnerOptions,
  taskId: string,
  slice: StageSlice,
  work: (ctx: StageContext) => Promise<T>,
): Promise<ActivityOutcome<T>> {
  const { tasks } = options;
  const record = tasks.getTaskRecord(taskId);
  if (record === null) return { ok: false, code: ErrorCode.TaskNotFound, message: `Task ${taskId} no longer exists.` };
  if (record.status !== 'running') {
    return { ok: false, code: ErrorCode.TaskNotActive, message: `Task ${taskId} is ${record.status}, not running.` };
  }
  const controller = new AbortController();
  const beat = (): void => {
    if (tasks.heartbeat(taskId).cancelRequested) controller.abort();
  };
  beat();
  const timer = setInterval(() => {
    try {
      beat();
    } catch {
      // Stop only when the task really left the running state (reconciled or finished elsewhere); a passing
      // database error (say a busy timeout) must not look like a cancel request.
      try {
        if (tasks.getTaskRecord(taskId)?.status !== 'running') controller.abort();
      } catch {
        // Still unreadable: try again on the next beat.
      }
    }
  }, options.heartbeatMs);
  let lastWrite = 0;
  let lastProgress = -1;
  const ctx: StageContext = {
    signal: controller.signal,
    onProgress(progress) {
      const scaled = scaleProgress(slice, progress.done, progress.total);
      const now = options.clock();
      const reachedEnd = scaled >= slice.to && lastProgress < slice.to;
      if (now - lastWrite < options.progressEveryMs && !reachedEnd) return;
      lastWrite = now;
      lastProgress = scaled;
      tasks.updateProgress(taskId, scaled, slice.stage, progress.message);
    },
    log(level, message) {
      tasks.log(taskId, level, message, slice.stage);
    },
  };
  tasks.updateProgress(taskId, slice.from, slice.stage, `Starting ${slice.stage}`);
  options.running?.set(taskId, controller);
  try {
    const value = await work(ctx);
    tasks.log(taskId, 'INFO', value.summary, slice.stage);
    return { ok: true, value };
  } catch (error) {
    const reported = controller.signal.aborted ? new AppError(ErrorCode.Cancelled, 'Cancelled by request.') : error;
    if (isAppError(reported) && PERMANENT.has(reported.code) && !isTransientFailure(reported)) {
      tasks.log(taskId, reported.code === ErrorCode.Cancelled ? 'WARNING' : 'ERROR', reported.message, slice.stage);
      return { ok: false, code: reported.code, message: reported.message };
    }
    const text = error instanceof Error ? error.message : String(error);
    tasks.log(taskId, 'WARNING', `${text} (retried automatically while attempts remain)`, slice.stage);
    throw error;
  } finally {
    clearInterval(timer);
    if (options.running?.get(taskId) === controller) options.running.delete(taskId);
  }
}
