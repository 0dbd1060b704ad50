import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';

/**
 * The analysis side of retention: deletes the runs whose task retention has removed (their symbols, days, findings
 * and totals go with them through the foreign keys), so the analysis tables stay bounded as the task tables do.
 * The current run (the newest successful one) is kept whatever became of its task: it describes the installed
 * bundle. Runs of tasks still kept stay, an active task's open run included. Returns the number of runs deleted.
 */
export function purgeAnalysisRuns(db: Database.Database): number {
  return prepareOnce(
    db,
    `DELETE FROM analysis_runs
     WHERE run_id <> COALESCE((SELECT MAX(run_id) FROM analysis_runs WHERE status IN ('ok', 'warn')), -1)
       AND (task_id IS NULL OR task_id NOT IN (SELECT task_id FROM market_data_tasks))`,
  ).run().changes;
}
