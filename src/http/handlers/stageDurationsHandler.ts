import { stagePlan } from '../../pipeline/stagePlan';
import { TaskType } from '../../tasks/taskTypes';
import type { ApiHandler } from './apiContext';

const WINDOW = 10;

/**
 * GET /api/market-data/stage-durations : per task type, each stage's slice of the progress scale and its median
 * duration over the latest successful tasks, so a client can estimate the time left of a running task.
 */
export const stageDurationsHandler: ApiHandler = (_request, api) => {
  const taskTypes = Object.fromEntries(
    Object.values(TaskType).map((taskType) => {
      const durations = api.services.tasks.listStageDurations(taskType, WINDOW);
      const stages = stagePlan(taskType).map((slice) => ({
        stage: slice.stage,
        from: slice.from,
        to: slice.to,
        median_seconds: durations[slice.stage]?.medianSeconds ?? null,
        samples: durations[slice.stage]?.samples ?? 0,
      }));
      return [taskType, stages];
    }),
  );
  return Promise.resolve({ status: 200, jsonBody: { window: WINDOW, task_types: taskTypes } });
};
