import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import { AppError, ErrorCode } from '../errors';
import { requireIntegerInRange } from './taskValidation';

export interface RetentionPolicy {
  /** Days a successful or cancelled task (and its logs) is kept after it finished. */
  readonly successDays: number;
  /** Days a failed task is kept; at least `successDays`, because failures are what people come back to read. */
  readonly failedDays: number;
}

export interface PurgeResult {
  readonly tasks: number;
  readonly logs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Builds the retention purge: finished tasks older than the policy, with their logs, in one transaction. */
export function createPurgeFinishedTasks(db: Database.Database, clock: () => Date) {
  const where = `
    (status IN ('success', 'cancelled') AND finished_at < :successCutoff)
    OR (status = 'failed' AND finished_at < :failedCutoff)`;
  const deleteLogs = prepareOnce(
    db,
    `DELETE FROM market_data_task_logs WHERE task_id IN (SELECT task_id FROM market_data_tasks WHERE ${where})`,
  );
  const deleteTasks = prepareOnce(db, `DELETE FROM market_data_tasks WHERE ${where}`);
  const purge = db.transaction((cutoffs: { successCutoff: string; failedCutoff: string }): PurgeResult => {
    const logs = deleteLogs.run(cutoffs).changes;
    return { tasks: deleteTasks.run(cutoffs).changes, logs };
  });

  return function purgeFinishedTasks(policy: RetentionPolicy): PurgeResult {
    const successDays = requireIntegerInRange('successDays', policy.successDays, 1, 36_500);
    const failedDays = requireIntegerInRange('failedDays', policy.failedDays, 1, 36_500);
    if (failedDays < successDays) {
      throw new AppError(
        ErrorCode.InvalidRequest,
        `failedDays (${failedDays}) must be at least successDays (${successDays}).`,
      );
    }
    const nowMs = clock().getTime();
    return purge.immediate({
      successCutoff: new Date(nowMs - successDays * DAY_MS).toISOString(),
      failedCutoff: new Date(nowMs - failedDays * DAY_MS).toISOString(),
    });
  };
}
