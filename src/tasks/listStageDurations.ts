import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import type { TaskStage, TaskType } from './taskTypes';

export interface StageDuration {
  /** Median wall time of the stage over the sampled tasks, in seconds. */
  readonly medianSeconds: number;
  /** How many past tasks ran the stage. */
  readonly samples: number;
}

interface StageEndRow {
  task_id: string;
  started_at: string;
  stage: TaskStage;
  stage_end: string;
}

const SELECT_STAGE_ENDS = `
  WITH recent AS (
    SELECT task_id, started_at FROM market_data_tasks
    WHERE status = 'success' AND task_type = :taskType AND started_at IS NOT NULL
    ORDER BY finished_at DESC LIMIT :window
  )
  SELECT r.task_id, r.started_at, l.stage, max(l.timestamp) AS stage_end
  FROM recent r JOIN market_data_task_logs l ON l.task_id = r.task_id
  WHERE l.stage IS NOT NULL
  GROUP BY r.task_id, l.stage
  ORDER BY r.task_id, stage_end`;

/**
 * How long each stage took in the latest `window` successful tasks of a type, from what the tables already hold:
 * a stage ends with its last log line (every stage logs its summary), and starts where the previous one ended (the
 * first at the task's start). A stage a task skipped (an already-current download) adds no sample.
 */
export function listStageDurations(
  db: Database.Database,
  taskType: TaskType,
  window = 10,
): Partial<Record<TaskStage, StageDuration>> {
  const rows = prepareOnce<{ taskType: TaskType; window: number }, StageEndRow>(db, SELECT_STAGE_ENDS).all({
    taskType,
    window,
  });
  const seconds = new Map<TaskStage, number[]>();
  let previous: StageEndRow | undefined;
  for (const row of rows) {
    const start = previous?.task_id === row.task_id ? previous.stage_end : row.started_at;
    const duration = (Date.parse(row.stage_end) - Date.parse(start)) / 1000;
    if (Number.isFinite(duration) && duration >= 0)
      seconds.set(row.stage, [...(seconds.get(row.stage) ?? []), duration]);
    previous = row;
  }
  const result: Partial<Record<TaskStage, StageDuration>> = {};
  for (const [stage, values] of seconds) result[stage] = { medianSeconds: median(values), samples: values.length };
  return result;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
