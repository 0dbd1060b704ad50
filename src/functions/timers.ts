import * as df from 'durable-functions';
import { getAppServices } from '../appServices';
import { isAppError, ErrorCode } from '../errors';
import { createPipelineControl } from '../pipeline/createPipelineControl';
import { reconcileActiveTask } from '../pipeline/reconcileActiveTask';
import { submitTask } from '../pipeline/submitTask';
import type { Task } from '../tasks/taskTypes';

// The schedule is an app setting the host resolves (`%NAME%`), so operators change it without a deploy.
df.app.client.timer('scheduledDownload', {
  schedule: '%MARKET_DATA_SCHEDULE%',
  handler: async (timer, client, context) => {
    const services = getAppServices();
    if (timer.isPastDue) context.warn('The scheduled download is past due (the host was down); running it once now.');
    try {
      const task = await submitTask(
        { tasks: services.tasks, control: createPipelineControl(client) },
        { taskType: 'download', source: 'schedule' },
      );
      context.log(`Scheduled download submitted as task ${task.task_id}.`);
    } catch (error) {
      if (!isAppError(error, ErrorCode.TaskRunning)) throw error;
      const active = error.details?.active_task as Task | undefined;
      const note = 'Scheduled download skipped: this task was still active.';
      if (active !== undefined) services.tasks.log(active.task_id, 'INFO', note);
      context.log(`Scheduled download skipped; task ${active?.task_id ?? '(unknown)'} is active.`);
    }
  },
});

// Notices dead executors even when nobody reads the API, and applies retention. Also runs once at start-up.
df.app.client.timer('reconcileTasks', {
  schedule: '0 */1 * * * *',
  runOnStartup: true,
  handler: async (_timer, client, context) => {
    const services = getAppServices();
    const failed = await reconcileActiveTask({ tasks: services.tasks, control: createPipelineControl(client) });
    if (failed !== null) context.warn(`Task ${failed.task_id} was abandoned by its executor and is now failed.`);
    // A live orchestration whose activity stopped beating is left to the runtime's redelivery, but made visible.
    for (const stale of services.tasks.listStaleTasks(services.config.heartbeatTimeoutSeconds)) {
      const note = `No heartbeat for over ${services.config.heartbeatTimeoutSeconds} s; waiting for the runtime to redeliver the stage.`;
      services.tasks.log(stale.task_id, 'WARNING', note, stale.stage);
      context.warn(`Task ${stale.task_id}: ${note}`);
    }
    const purged = services.tasks.purgeFinishedTasks({
      successDays: services.config.retentionSuccessDays,
      failedDays: services.config.retentionFailedDays,
    });
    const runs = services.analysis.purgeRuns();
    const diffs = services.diffs.purgeDiffs();
    if (purged.tasks > 0 || runs > 0 || diffs > 0) {
      context.log(
        `Retention removed ${purged.tasks} finished tasks, ${purged.logs} log lines, ${runs} analysis runs and ` +
          `${diffs} bundle diffs.`,
      );
    }
  },
});
